#if canImport(Glibc)
import Glibc
#endif

// SwiftPM gives an executable target its own entry point (and renames it to `main` at link time),
// so libFuzzer's `main` cannot be used here: the harness links libFuzzer without it and starts
// the fuzzing loop itself.
@_extern(c, "LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

var argumentCount = CommandLine.argc
var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(
    runFuzzerDriver(&argumentCount, &arguments) { data, size in
        FramingFuzzer.check(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
)
