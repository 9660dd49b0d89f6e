/// `/proc/cgroups`: the controllers the kernel knows, the v1 hierarchy
/// each is bound to (0 for none or cgroup v2) and how many cgroups it has.
///
///     #subsys_name	hierarchy	num_cgroups	enabled
///     memory	4	47	1
///
/// `num_cgroups` counts cgroups until the kernel frees them, so on a v1
/// memory hierarchy it exceeds the directories one can see by the number of
/// dying (removed but still pinned) memory cgroups.
public struct ProcCgroups: Sendable, Equatable {
    public struct Controller: Sendable, Equatable {
        public let name: String
        public let hierarchy: UInt64
        public let numCgroups: UInt64
        public let enabled: Bool

        public init(name: String, hierarchy: UInt64, numCgroups: UInt64, enabled: Bool) {
            self.name = name
            self.hierarchy = hierarchy
            self.numCgroups = numCgroups
            self.enabled = enabled
        }
    }

    public let controllers: [Controller]

    public init(controllers: [Controller]) { self.controllers = controllers }

    public subscript(name: String) -> Controller? { controllers.first { $0.name == name } }

    public static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> ProcCgroups {
        var controllers: [Controller] = []
        for line in ByteScanner(bytes) where !line.isBlank && line.bytes.first != UInt8(ascii: "#") {
            var fields = line.fields
            guard let name = fields.next(), let hierarchy = fields.next().flatMap(ByteField.uint64),
                  let count = fields.next().flatMap(ByteField.uint64), let enabled = fields.next().flatMap(ByteField.uint64),
                  fields.next() == nil
            else { throw line.error(path, expected: "\"subsys_name hierarchy num_cgroups enabled\"") }
            controllers.append(Controller(name: ByteField.string(name), hierarchy: hierarchy, numCgroups: count, enabled: enabled != 0))
        }
        return ProcCgroups(controllers: controllers)
    }
}

extension ProcRoot {
    /// Reads `/proc/cgroups`.
    public func procCgroups(buffer: ReadBuffer) throws(SourceError) -> ProcCgroups {
        try parse("proc/cgroups", with: buffer, ProcCgroups.parse)
    }
}
