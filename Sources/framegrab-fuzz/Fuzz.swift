import Foundation
@_spi(Fuzzing) import FrameGrab

/// The fuzz target: one input's bytes go through open, probe, seek and decode the way the command uses
/// them (exact times, a keyframe window, a time past the end, a scaled size), and the images through the
/// PNG encoder. Built with `scripts/fuzz` (`-sanitize=fuzzer,address`, `-D FRAMEGRAB_LIBFUZZER`); built
/// plainly, it is a command that runs the same code over files given as arguments, to replay findings.
enum FuzzTarget {
    /// Where the bytes are written for FFmpeg to open (a RAM-backed folder when there is one).
    static let scratch: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return folder + "/framegrab-fuzz-\(getpid()).bin"
    }()

    static func run(_ bytes: UnsafeRawBufferPointer) {
        let fd = open(scratch, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written <= 0 { break }
            offset += written
        }
        close(fd)
        defer { unlink(scratch) }
        exercise(path: scratch)
    }

    static func exercise(path: String) {
        guard let asset = try? MediaAsset(path: path) else { return }
        let exact = AssetImageGenerator(asset: asset)
        exact.maximumSize = PixelSize(width: 64, height: 64)
        exact.decoderThreadCount = 1
        var times = [MediaTime.zero, MediaTime(seconds: 0.5), MediaTime(seconds: 1_000_000)]
        if asset.duration.isNumeric, asset.duration > .zero {
            times.append(MediaTime(seconds: asset.duration.seconds / 2))
            times.append(MediaTime(seconds: max(0, asset.duration.seconds - 0.01)))
        }
        for result in exact.synchronousResults(for: times) {
            if case .success(let generated) = result.outcome { _ = try? generated.image.pngData() }
        }
        let window = AssetImageGenerator(asset: asset)
        window.maximumSize = PixelSize(width: 32, height: 0)
        window.decoderThreadCount = 1
        window.requestedTimeToleranceBefore = .positiveInfinity
        window.requestedTimeToleranceAfter = .positiveInfinity
        _ = window.synchronousResults(for: Array(times.reversed()))
    }
}

#if FRAMEGRAB_LIBFUZZER
/// The function libFuzzer calls with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    FuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// libFuzzer's entry point for a program with its own `main` (SwiftPM names the executable's main itself).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
#endif

@main
struct FuzzMain {
    static func main() {
        #if FRAMEGRAB_LIBFUZZER
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
        #else
        for path in CommandLine.arguments.dropFirst() {
            print(path)
            FuzzTarget.exercise(path: path)
        }
        #endif
    }
}
