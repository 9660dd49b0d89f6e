#if canImport(Glibc)
import Glibc
#endif

/// The target chosen by MEMSLEUTH_FUZZ_TARGET, fixed at start-up.
nonisolated(unsafe) var selected: FuzzTarget?

/// libFuzzer calls this once before fuzzing: pick the target, or list them
/// (MEMSLEUTH_FUZZ_LIST=1: `name<TAB>seed names<TAB>malformed dirs`, for
/// scripts/fuzz).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    if getenv("MEMSLEUTH_FUZZ_LIST") != nil {
        for target in fuzzTargets {
            print("\(target.name)\t\(target.seedNames.joined(separator: " "))\t\(target.malformed.joined(separator: " "))")
        }
        exit(0)
    }
    guard let name = getenv("MEMSLEUTH_FUZZ_TARGET").map({ String(cString: $0) }),
          let target = fuzzTargets.first(where: { $0.name == name }) else {
        let names = fuzzTargets.map(\.name).joined(separator: " ")
        let message = "memsleuth-fuzz: set MEMSLEUTH_FUZZ_TARGET to one of: \(names)\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    selected?.run(UnsafeRawBufferPointer(start: data, count: count))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The `main` SwiftPM's link names (`--defsym main=memsleuth_fuzz_main`);
/// when it wins over libFuzzer's own main it runs the same driver.
@_cdecl("memsleuth_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzerTestOneInput)
}
