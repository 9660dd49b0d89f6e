import MemoryModel

/// Which processes a recorded sample keeps: the top N by RSS, the top N by
/// PSS, and any that grew by at least `growthBytes` resident since the
/// previous sample (by pid; identity is settled by start time when stored).
public struct ProcessSelection {
    public var top: Int
    public var growthBytes: UInt64
    private var previousRes: [Int32: UInt64] = [:]

    public init(top: Int, growthBytes: UInt64 = 1 << 20) {
        self.top = top
        self.growthBytes = growthBytes
    }

    public mutating func pick(_ sweep: ProcessSweep) -> [ProcessRow] {
        let rows = sweep.rows
        var chosen = Set<Int32>()
        for row in rows.sorted(by: { ($0.res ?? 0, $1.pid) > ($1.res ?? 0, $0.pid) }).prefix(top) { chosen.insert(row.pid) }
        for row in rows.sorted(by: { ($0.pss ?? 0, $1.pid) > ($1.pss ?? 0, $0.pid) }).prefix(top) { chosen.insert(row.pid) }
        for row in rows {
            if let now = row.res, let before = previousRes[row.pid], now >= before &+ growthBytes { chosen.insert(row.pid) }
        }
        previousRes = Dictionary(rows.compactMap { row in row.res.map { (row.pid, $0) } }, uniquingKeysWith: { a, _ in a })
        return rows.filter { chosen.contains($0.pid) }
    }
}
