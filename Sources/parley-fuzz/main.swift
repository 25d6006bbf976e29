import Foundation

// Built with `-Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING` (see `.ci/fuzz`), this hands control to
// libFuzzer. Built normally, it replays the input files named on the command line, so a crash found by the
// fuzzer can be reproduced with a plain debug build.
#if FUZZING
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<CInt>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt

    var argc = CommandLine.argc
    var argv = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argc, &argv, { data, size in fuzzOneInput(data, size) }))
#else
    for path in CommandLine.arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("parley-fuzz: cannot read \(path)\n".utf8))
            exit(1)
        }
        FuzzHarness.run(Array(data))
        print("\(path): ok")
    }
#endif
