#if canImport(Glibc)
import Glibc
#endif
import HistoryCLI
import MemsleuthCLI

exit(MemsleuthCLI.Process.main(root: HistoryTool.self, fastPath: false))
