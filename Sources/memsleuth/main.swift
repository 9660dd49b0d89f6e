#if canImport(Glibc)
import Glibc
#endif
import MemsleuthCLI

exit(MemsleuthCLI.Process.main())
