// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "framegrab",
    products: [
        .library(name: "FrameGrab", targets: ["FrameGrab"]),
        .executable(name: "framegrab", targets: ["framegrab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // FFmpeg 5.1 (Debian 12): libavformat, libavcodec, libswscale, libavutil.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]
        ),
        // libpng 1.6.
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        // libjpeg-turbo 2.1 (libjpeg 6.2 API with its JCS_EXT_* extensions).
        .systemLibrary(
            name: "CJPEG",
            pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg62-turbo-dev"])]
        ),
        // libwebp 1.2 (the encoder).
        .systemLibrary(
            name: "CWebP",
            pkgConfig: "libwebp",
            providers: [.apt(["libwebp-dev"])]
        ),
        // FreeType 2.12 (Debian 12), for TextRendering.
        .systemLibrary(
            name: "CFreeType",
            pkgConfig: "freetype2",
            providers: [.apt(["libfreetype-dev"])]
        ),
        // glibc's mallopt, for the command's memory policy (see Framegrab.main).
        .systemLibrary(name: "CMalloc"),
        // Small C functions around libpng's setjmp/longjmp error handling, so no jump crosses Swift frames.
        // It also filters and deflates rows itself for one-filter images: with zlib (which libpng is built on)
        // or libdeflate 1.14 (Debian 12's libdeflate-dev), the faster default.
        .target(name: "PNGCodec", dependencies: ["CPNG"], linkerSettings: [.linkedLibrary("z"), .linkedLibrary("deflate")]),
        // Small C functions for JPEG (owning libjpeg's setjmp, as PNGCodec does libpng's) and lossy WebP encoding.
        .target(name: "ImageCodecs", dependencies: ["CJPEG", "CWebP"]),
        // The package's one lock (a pthread mutex ThreadSanitizer sees, in place of Synchronization's Mutex).
        .target(name: "Locking"),
        // swscale's YUV-to-RGB conversion at the same size, to the same bytes, in vectorised C (Scaler uses it
        // for 8-bit planar YUV; swscale's own C code for that path is about five times slower).
        .target(name: "YUVConversion"),
        .target(name: "FrameGrab", dependencies: ["CFFmpeg", "PNGCodec", "ImageCodecs", "Locking", "YUVConversion"]),
        // The command's engine: inputs, plan, run, report (and the command line's vocabulary: times,
        // templates), tested in-process; `framegrab` is argument parsing over it.
        .target(name: "FrameGrabCommand", dependencies: ["FrameGrab", "TextRendering", "Locking"]),
        // Lines of text drawn with FreeType onto an RGBA canvas (the captions of contact sheets); depends on
        // nothing else in the package but its lock.
        .target(name: "TextRendering", dependencies: ["CFreeType", "Locking"]),
        .executableTarget(
            name: "framegrab",
            dependencies: [
                "FrameGrab",
                "FrameGrabCommand",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The fuzz target over open-probe-seek-decode (scripts/fuzz); built plainly, it replays inputs given as arguments.
        .executableTarget(name: "framegrab-fuzz", dependencies: ["FrameGrab"]),
        // A library user's program: generators in a task group beside a task that sleeps 10 ms in a loop
        // (HeartbeatTests runs it, in a process of its own).
        .executableTarget(name: "framegrab-heartbeat", dependencies: ["FrameGrab"]),
        // Fixture paths, the manifest ffprobe wrote about them, and the frame-number reader: shared by the tests.
        .target(name: "TestSupport", dependencies: ["FrameGrab"], path: "Tests/TestSupport"),
        .testTarget(name: "FrameGrabTests", dependencies: ["FrameGrab", "TestSupport", "CFFmpeg"]),
        // Help/ holds the pinned --help texts, read by HelpTextTests from the source tree.
        .testTarget(name: "framegrabTests", dependencies: ["FrameGrab", "FrameGrabCommand", "TestSupport"], exclude: ["Help"]),
        .testTarget(name: "FrameGrabCommandTests", dependencies: ["FrameGrab", "FrameGrabCommand", "TestSupport", "Locking"]),
        // FrameGrab only for its PNG writer, to save a rendering to look at.
        .testTarget(name: "TextRenderingTests", dependencies: ["TextRendering", "FrameGrab", "Locking"]),
    ]
)
