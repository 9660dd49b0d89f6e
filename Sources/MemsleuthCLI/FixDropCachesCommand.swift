import ArgumentParser
import KernelFiles
import MemoryModel
import Remedies
import Rendering

extension Memsleuth.Fix {
    /// `memsleuth fix drop-caches [--level 1|2|3] [--apply] [--force]`
    struct DropCachesAction: MemsleuthCommand {
        static let configuration = CommandConfiguration(
            commandName: "drop-caches",
            abstract: "Drop clean caches (vm.drop_caches): what it would free, then with --apply what it freed.",
            discussion: """
                Level 2 (the default) drops dentries and inodes, which is all a dentry or inode cache \
                problem needs; 1 drops the page cache, 3 both (files are read from disk again afterwards). \
                --apply runs sync first, refuses levels 1 and 3 while much is still dirty, and refuses a \
                drop within 10 minutes of the last one (from the action log); --force overrides both.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var fix: FixOptions

        @Option(name: .long, help: ArgumentHelp("1 page cache, 2 dentries and inodes, 3 both.", valueName: "LEVEL"))
        var level: Int = 2

        @Flag(name: .long, help: "Apply even with much dirty memory or right after another drop.")
        var force = false

        func validate() throws {
            guard DropCaches.isValid(level: level) else { throw ValidationError("--level must be 1, 2 or 3, not \(level)") }
        }

        var request: DropCachesRequest {
            DropCachesRequest(global: global.request, level: level, apply: fix.apply, force: force,
                              environment: FixEnvironment(logDirectory: fix.logDirectory))
        }

        func execute(_ context: CommandContext) throws(CommandFailure) -> Int32 { try request.run(context) }
    }
}

/// What `memsleuth fix drop-caches` was asked.
struct DropCachesRequest {
    var global: GlobalRequest
    var level: Int
    var apply: Bool
    var force: Bool
    var environment: FixEnvironment

    func run(_ context: CommandContext) throws(CommandFailure) -> Int32 {
        if apply { try environment.checkCanApply(global) }
        let root = try global.procRoot(context.environment)
        let path = root.path(DropCaches.file)
        guard apply else {
            let figures = CacheFigures.read(root)
            let lastDrop = root.isLive ? ((try? environment.records()).flatMap(ActionLog.lastDropCaches)) : nil
            let refusal = DropCaches.refusal(level: level, unwritten: figures.unwritten, lastDrop: lastDrop,
                                             now: environment.now().seconds, force: force)
            let expected = DropCaches.expected(level: level, figures)
            context.out.write(global.json
                ? FixView.dropCachesPlanJSON(level: level, path: path, expected: expected, refusal: refusal).rendered() + "\n"
                : FixView.dropCachesPlan(level: level, path: path, expected: expected, refusal: refusal, figures: figures))
            return 0
        }
        let lastDrop = ActionLog.lastDropCaches(try environment.records())
        environment.writes.sync()
        let before = CacheFigures.read(root)
        if let refusal = DropCaches.refusal(level: level, unwritten: before.unwritten, lastDrop: lastDrop,
                                            now: environment.now().seconds, force: force) {
            throw CommandFailure("not dropping caches: " + refusal)
        }
        do { try environment.writes.write(path, Array("\(level)\n".utf8), .overwrite) } catch {
            throw CommandFailure(WriteFailure(path: path, errno: error).message)
        }
        let after = CacheFigures.read(root)
        let freed = DropCaches.freed(before: before, after: after)
        let arguments = ["--level", String(level)] + (force ? ["--force"] : [])
        let logged = environment.append(
            environment.record(action: "drop-caches", arguments: arguments,
                               before: FixView.figuresMembers(before), after: FixView.figuresMembers(after)),
            context: context)
        context.out.write(global.json
            ? FixView.dropCachesResultJSON(level: level, before: before, after: after, freed: freed).rendered() + "\n"
            : FixView.dropCachesResult(level: level, freed: freed, after: after))
        return logged ? 0 : 1
    }
}
