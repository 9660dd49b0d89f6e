#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import KernelFiles
import MemoryModel

extension Memsleuth {
    /// `memsleuth capture`
    struct Capture: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a bundle of the memory-related proc/sys files, to analyse on another machine with --bundle.",
            discussion: """
                A bundle is a directory, or a .tar.gz when FILE ends so: manifest.json and one \
                samples/NNNN tree per sample, each a valid --root. It holds every file memsleuth \
                reads, plus status, stat, statm, smaps_rollup, cmdline, comm, cgroup and maps of \
                every process, and exe as a link. Of environ only NSS_SDB_USE_CACHE is kept \
                (environments hold secrets). Files that cannot be read are listed in the manifest.
                """)

        @Option(name: .short, help: ArgumentHelp("The bundle to write: a directory, or FILE.tar.gz.", valueName: "FILE"))
        var output: String

        @Option(name: .long, help: ArgumentHelp("How many samples to take.", valueName: "N"))
        var samples = 1

        @Option(name: .long, help: ArgumentHelp("Seconds between the starts of two samples.", valueName: "S"))
        var interval = 10.0

        @Option(name: .long, help: ArgumentHelp("Capture DIR/proc and DIR/sys instead of /proc and /sys.", valueName: "DIR"))
        var root = "/"

        @Flag(name: .long, help: "Replace an existing bundle at FILE.")
        var force = false

        func validate() throws {
            guard !output.isEmpty else { throw ValidationError("-o needs a file or directory") }
            guard samples >= 1 else { throw ValidationError("--samples must be 1 or more") }
            guard interval >= 0, interval.isFinite else { throw ValidationError("--interval must be 0 or more seconds") }
            guard !root.isEmpty else { throw ValidationError("--root needs a directory") }
        }

        var request: CaptureRequest {
            CaptureRequest(output: output, samples: samples, interval: interval, root: root, force: force)
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth capture` was asked.
struct CaptureRequest: Equatable {
    var output: String
    var samples = 1
    var interval = 10.0
    var root = "/"
    var force = false

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        let source = try GlobalRequest(root: root, json: false).procRoot(context.environment)
        let target = CaptureTarget(output)
        try target.checkReplaceable(force: force)
        try target.checkWritable()
        guard let work = target.workDirectory() else {
            throw CommandFailure("cannot create a working directory for \(target.path): \(String(cString: strerror(errno)).lowercased())")
        }
        if samples > 1 { context.catchInterrupts() }
        do {
            let summary = try capture(from: source, into: work, context)
            try target.finish(from: work, force: force)
            context.err.write("memsleuth: wrote \(target.path): \(summary)\n")
            return 0
        } catch {
            BundleArchive.removeTree(work)
            throw error
        }
    }

    /// Takes the samples into `work` and writes the manifest; a line for the user.
    private func capture(from source: ProcRoot, into work: String, _ context: CommandContext) throws(CommandFailure) -> String {
        let writer = BundleWriter(directory: work)
        let started = WallTime.now()
        var manifest = BundleManifest(
            host: nil, kernel: nil, pageSize: nil,
            environ: "allow-list: " + BundleWriter.environAllowList.sorted().joined(separator: ","), samples: [])
        var total = 0
        for number in 0..<samples {
            if number > 0 {
                let next = started.monotonic + interval * Double(number)
                let wait = next - WallTime.now().monotonic
                if wait > 0 { context.sleep(wait) }
                if context.shouldStop() { break }
            }
            let dir = "samples/" + Self.pad(number)
            let result: BundleWriter.SampleResult
            do { result = try writer.captureSample(from: source, into: dir) } catch {
                throw CommandFailure(error.description)
            }
            if number == 0 {
                manifest.host = result.snapshot.host.hostname
                manifest.kernel = result.snapshot.host.kernelRelease
                manifest.pageSize = result.snapshot.pageSize?.bytes
            }
            manifest.samples.append(.init(time: result.snapshot.time, dir: dir, files: result.files))
            manifest.skipped += result.skipped
            total += result.files
            context.err.write("memsleuth: sample \(number + 1)/\(samples): \(result.files) files"
                + (result.skipped.isEmpty ? "" : ", \(result.skipped.count) skipped") + "\n")
        }
        do { try writer.writeManifest(manifest) } catch { throw CommandFailure(error.description) }
        let seconds = WallTime.now().monotonic - started.monotonic
        return "\(manifest.samples.count) sample\(manifest.samples.count == 1 ? "" : "s"), \(total) files, "
            + "\(writer.bytesWritten) bytes, \(manifest.skipped.count) skipped, in \(Self.tenths(seconds)) s"
    }

    static func pad(_ number: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    static func tenths(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// Where `capture -o` writes: a directory built in a sibling working
/// directory and renamed into place, or a `.tar.gz` built from a private
/// working directory, so an interrupted capture never leaves half a bundle
/// at the output path.
struct CaptureTarget {
    let path: String
    let isArchive: Bool

    init(_ output: String) {
        var trimmed = output
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        path = trimmed
        isArchive = BundleArchive.isArchive(trimmed)
    }

    private var parent: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private var name: String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }

    /// Refuses, before any sample is taken, an output in a directory this
    /// user cannot write (rather than tar's messages after the capture).
    func checkWritable() throws(CommandFailure) {
        guard access(parent, W_OK) == 0 else {
            let reason = String(cString: strerror(errno)).lowercased()
            throw CommandFailure("cannot write \(path): \(parent): \(reason) (choose a directory you can write, or run as its owner)")
        }
    }

    /// Refuses an existing output unless `force`; even then only a file, or
    /// a directory that holds a bundle's manifest, is replaced.
    func checkReplaceable(force: Bool) throws(CommandFailure) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard force else { throw CommandFailure("\(path) already exists (--force replaces it)") }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR {
            guard !isArchive, ProcRoot(path).exists("manifest.json") else {
                throw CommandFailure("refusing to replace \(path): it is a directory without a bundle's manifest.json")
            }
        } else if kind != S_IFREG || !isArchive {
            throw CommandFailure("refusing to replace \(path): not a bundle archive")
        }
    }

    func workDirectory() -> String? {
        isArchive ? BundleArchive.temporaryDirectory(prefix: "memsleuth-capture")
            : BundleArchive.temporaryDirectory(prefix: "." + name + ".partial", in: parent)
    }

    /// Moves the finished bundle into place (or archives it there).
    func finish(from work: String, force: Bool) throws(CommandFailure) {
        if isArchive {
            let partial = path + ".partial"
            let status = BundleArchive.runTar(["-czf", partial, "-C", work, "manifest.json", "samples"])
            BundleArchive.removeTree(work)
            guard status == 0 else {
                unlink(partial)
                throw CommandFailure("cannot write \(path): tar exited with status \(status)")
            }
            guard rename(partial, path) == 0 else {
                let reason = String(cString: strerror(errno)).lowercased()
                unlink(partial)
                throw CommandFailure("cannot write \(path): \(reason)")
            }
            return
        }
        if force { BundleArchive.removeTree(path) }
        chmod(work, 0o755)
        guard rename(work, path) == 0 else {
            throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)).lowercased())")
        }
    }
}
