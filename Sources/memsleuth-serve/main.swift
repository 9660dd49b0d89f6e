#if canImport(Glibc)
import Glibc
#endif
import MemsleuthCLI
import Server

// `fleet` is a plain command (MemsleuthCommand, one request and done): it
// runs through memsleuth's own entry point, with its error lines and exit
// codes; `serve` is async (Hummingbird's service lifecycle).
if CommandLine.arguments.dropFirst().first == "fleet" {
    exit(MemsleuthCLI.Process.main(root: ServeTool.self, fastPath: false))
}
await ServeTool.runMain()
