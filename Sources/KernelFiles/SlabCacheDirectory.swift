import SystemPackage

/// `/sys/kernel/slab/`: the SLUB allocator's per-cache directories (Linux
/// 2.6.22+ with SLUB; absent under SLAB, e.g. RHEL 6's 2.6.32 → ENOENT).
///
/// Each cache is a directory. When SLUB merges a new cache into an existing
/// one of compatible size and flags, the new name appears only as a symbolic
/// link to the shared directory, which is then named by a unique id:
///
///     dentry/                      a cache that is not merged
///     :0000192/                    a merged cache: size 192, no special flags
///     aio_kiocb -> :0000192        a name merged into it
///     AF_VSOCK -> :A-0001280       `A` = SLAB_ACCOUNT (memcg-accounted), `a` = reclaimable
///
/// The links are read with readlink(2) and never followed, so a capture
/// keeps them as they were.
public struct SlabCacheDirectory: Sendable, Equatable {
    /// Names of real cache directories.
    public let directories: [String]
    /// Alias name → the directory it links to (the link's last path component).
    public let links: [String: String]

    /// Lookups built once (a table asks for every cache's directory and
    /// aliases: scanning the ~430 names for each made that quadratic).
    private let directorySet: Set<String>
    /// Directory → the link names pointing at it, sorted.
    private let linksByDirectory: [String: [String]]

    public init(directories: [String], links: [String: String]) {
        self.directories = directories
        self.links = links
        self.directorySet = Set(directories)
        var byDirectory: [String: [String]] = [:]
        for (name, target) in links { byDirectory[target, default: []].append(name) }
        self.linksByDirectory = byDirectory.mapValues { $0.sorted() }
    }

    public static func == (lhs: SlabCacheDirectory, rhs: SlabCacheDirectory) -> Bool {
        lhs.directories == rhs.directories && lhs.links == rhs.links
    }

    /// The directory that holds a cache's attributes: the link's target for
    /// a merged name, the name itself for a real directory, nil when absent.
    public func directory(of name: String) -> String? {
        if let target = links[name] { return target }
        return directorySet.contains(name) ? name : nil
    }

    /// The other names merged into the same cache as `name`, sorted: every
    /// link to its directory except `name` itself. Empty for an unmerged cache.
    public func aliases(of name: String) -> [String] {
        guard let directory = directory(of: name) else { return [] }
        return (linksByDirectory[directory] ?? []).filter { $0 != name }
    }
}

/// The attributes of one `/sys/kernel/slab/<cache>/` directory that
/// memsleuth reads. A file this kernel does not have is nil (which files
/// exist depends on the configuration: `slabs` needs CONFIG_SLUB_DEBUG).
///
///     object_size      192             the object without metadata (bytes)
///     slab_size        192             object plus metadata and padding (bytes)
///     objs_per_slab    21
///     order            0               pages per slab = 2^order
///     objects          106113 N0=106113   a total, then per NUMA node
///     slabs            5053 N0=5053
///     reclaim_account  1               SLAB_RECLAIM_ACCOUNT: counted in SReclaimable
///     aliases          7               how many other names are merged in
public struct SlabCacheAttributes: Sendable, Equatable {
    public let name: String
    public let objectSize: UInt64?
    public let slabSize: UInt64?
    public let objsPerSlab: UInt64?
    public let order: UInt64?
    public let objects: UInt64?
    public let slabs: UInt64?
    public let reclaimAccount: Bool?
    public let aliases: UInt64?

    public init(
        name: String, objectSize: UInt64?, slabSize: UInt64?, objsPerSlab: UInt64?, order: UInt64?,
        objects: UInt64?, slabs: UInt64?, reclaimAccount: Bool?, aliases: UInt64?
    ) {
        self.name = name
        self.objectSize = objectSize
        self.slabSize = slabSize
        self.objsPerSlab = objsPerSlab
        self.order = order
        self.objects = objects
        self.slabs = slabs
        self.reclaimAccount = reclaimAccount
        self.aliases = aliases
    }

    /// Parses a one-number attribute (`192`) or a per-node one (`106113 N0=106113`):
    /// the first field is the total.
    public static func parseTotal(_ bytes: UnsafeRawBufferPointer, path: String) throws(ParseError) -> UInt64 {
        var lines = ByteScanner(bytes)
        guard let line = lines.next(), !line.isBlank else {
            throw ParseError(path: path, line: nil, text: nil, expected: "a decimal number")
        }
        var fields = line.fields
        guard let first = fields.next(), let value = ByteField.uint64(first) else {
            throw line.error(path, expected: "a decimal number first")
        }
        while let field = fields.next() {
            // "N0=106113": a node number and its count.
            guard field.first == UInt8(ascii: "N"), let (node, count) = ByteField.split(field.dropFirst(), at: UInt8(ascii: "=")),
                  ByteField.uint64(node) != nil, ByteField.uint64(count) != nil
            else { throw line.error(path, expected: "\"N<node>=<count>\" after the total") }
        }
        return value
    }
}

extension ProcRoot {
    /// Lists `/sys/kernel/slab/`, telling directories from alias links.
    /// ENOENT under SLAB kernels or without sysfs: the caller treats it as unavailable.
    public func slabCacheDirectory() throws(ReadError) -> SlabCacheDirectory {
        let names = try list("sys/kernel/slab")
        var directories: [String] = []
        var links: [String: String] = [:]
        for name in names {
            do {
                let target = try readLink("sys/kernel/slab/" + name)
                let last = target.split(separator: "/").last.map(String.init) ?? target
                links[name] = last
            } catch {
                // EINVAL: not a link, so a cache directory. Anything else: skip the entry.
                if error.errno == .invalidArgument { directories.append(name) }
            }
        }
        return SlabCacheDirectory(directories: directories, links: links)
    }

    /// Reads the attributes of `/sys/kernel/slab/<directory>/`. A missing
    /// attribute file is nil; a missing directory is an error (ENOENT).
    public func slabCacheAttributes(_ directory: String, buffer: ReadBuffer) throws(SourceError) -> SlabCacheAttributes {
        let base = "sys/kernel/slab/" + directory
        guard exists(base) else {
            throw .read(ReadError(path: path(base), errno: .noSuchFileOrDirectory))
        }
        func number(_ file: String) throws(SourceError) -> UInt64? {
            do {
                return try parse(base + "/" + file, with: buffer, SlabCacheAttributes.parseTotal)
            } catch {
                if case .read(let read) = error, read.isNoData { return nil }
                throw error
            }
        }
        let reclaim = try number("reclaim_account")
        return SlabCacheAttributes(
            name: directory,
            objectSize: try number("object_size"), slabSize: try number("slab_size"),
            objsPerSlab: try number("objs_per_slab"), order: try number("order"),
            objects: try number("objects"), slabs: try number("slabs"),
            reclaimAccount: reclaim.map { $0 != 0 }, aliases: try number("aliases"))
    }
}

extension ProcRoot {
    /// `/sys/kernel/slab/<directory>/reclaim_account` as a flag: whether the
    /// cache's pages count as SReclaimable. nil when the file is absent.
    public func slabReclaimAccount(_ directory: String, buffer: ReadBuffer) throws(SourceError) -> Bool? {
        do {
            return try parse("sys/kernel/slab/" + directory + "/reclaim_account", with: buffer,
                             SlabCacheAttributes.parseTotal) != 0
        } catch {
            if case .read(let read) = error, read.isNoData { return nil }
            throw error
        }
    }
}
