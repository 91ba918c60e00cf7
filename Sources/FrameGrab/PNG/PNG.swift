import Foundation
internal import PNGCodec

/// How PNG files are written.
public struct PNGOptions: Sendable, Equatable {
    /// The row filters libpng may choose from.
    public enum Filter: String, Sendable, CaseIterable {
        /// One of PNG's five filter types (none, sub, up, average, Paeth), used on every row.
        case none, sub, up, average, paeth
        /// libpng tries every filter per row and keeps the one that looks most compressible.
        case adaptive
        /// One filter for the whole image (none, up or Paeth), chosen as libpng's adaptive heuristic would
        /// from a sample of rows: about the size of `adaptive` at the cost of one filter.
        case auto
    }

    /// How the filtered rows are deflated: one of zlib's strategies, or libdeflate.
    public enum Strategy: Int32, Sendable, CaseIterable {
        /// Searches for repeated strings (`compressionLevel` sets how hard).
        case `default` = 0
        /// zlib's `Z_FILTERED`: fewer string matches and more Huffman coding, for filtered data.
        case filtered = 1
        /// zlib's `Z_HUFFMAN_ONLY`: Huffman coding alone, no string matching.
        case huffmanOnly = 2
        /// Only runs of repeated bytes: much faster, and on filtered video frames as small or smaller
        /// (see README, Performance). `compressionLevel` makes no difference to it.
        case rle = 3
        /// libdeflate's level-1 compressor over the whole filtered image at once: string matching, yet on
        /// camera video about as small as `.rle` in half its time or less (see README, Performance).
        /// `compressionLevel` makes no difference to it. Images written by libpng itself (16-bit samples,
        /// `adaptive` filters, images under 16 KB) get `.rle` instead.
        case libdeflate = 16
    }

    /// zlib level, 0 (store) to 9 (smallest).
    public var compressionLevel: Int
    /// How the filtered rows are compressed; `.libdeflate` by default.
    public var strategy: Strategy
    /// The row filters libpng may use; `.auto` (one filter for the whole image) by default.
    public var filter: Filter
    /// tEXt chunks (keyword, text), written in this order. Nothing else that could vary between runs is written.
    public var textChunks: [(keyword: String, text: String)]

    /// Options, with `PNGOptions.default`'s settings for what is not given. `compressionLevel` is clamped
    /// to 0–9.
    public init(compressionLevel: Int = PNGOptions.default.compressionLevel,
                strategy: Strategy = PNGOptions.default.strategy,
                filter: Filter = PNGOptions.default.filter,
                textChunks: [(keyword: String, text: String)] = []) {
        self.compressionLevel = min(9, max(0, compressionLevel))
        self.strategy = strategy
        self.filter = filter
        self.textChunks = textChunks
    }

    /// The default, chosen by measuring size and time on video frames (see README, Performance):
    /// one row filter per image and libdeflate.
    public static let `default` = PNGOptions(compressionLevel: 6, strategy: .libdeflate, filter: .auto)
    /// Fastest that still compresses well: the `up` filter and libdeflate.
    public static let fast = PNGOptions(compressionLevel: 6, strategy: .libdeflate, filter: .up)
    /// Smallest files, slowly: zlib level 9 string matching after adaptive filters.
    public static let best = PNGOptions(compressionLevel: 9, strategy: .default, filter: .adaptive)

    /// Two options are equal when their level, strategy and filter match and their text chunks hold the
    /// same keywords and texts in the same order.
    public static func == (lhs: PNGOptions, rhs: PNGOptions) -> Bool {
        lhs.compressionLevel == rhs.compressionLevel && lhs.strategy == rhs.strategy && lhs.filter == rhs.filter
            && lhs.textChunks.map(\.keyword) == rhs.textChunks.map(\.keyword)
            && lhs.textChunks.map(\.text) == rhs.textChunks.map(\.text)
    }

    var libpngFilters: Int32 {
        // PNG_FILTER_NONE 0x08, SUB 0x10, UP 0x20, AVG 0x40, PAETH 0x80
        switch filter {
        case .none: return 0x08
        case .sub: return 0x10
        case .up: return 0x20
        case .average: return 0x40
        case .paeth: return 0x80
        case .adaptive: return 0xF8
        case .auto: return FGPNG_FILTER_PER_IMAGE
        }
    }
}

/// A PNG that could not be encoded or decoded.
public struct PNGError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in words: libpng's message, the layout that is not supported, or (from
    /// `GoldenComparison.readPNG`) the file and why it could not be read.
    public let message: String
    /// The message.
    public var description: String { message }
}

extension FrameImage {
    /// The image as a PNG file's bytes, encoded on the process's `WorkPool` while the caller suspends.
    public func pngData(options: PNGOptions = .default) async throws(PNGError) -> [UInt8] {
        try await WorkPool.shared.run(first: true) { () throws(PNGError) in try encodePNG(options: options) }
    }

    /// The image as a PNG file's bytes, encoded on the calling thread, which it blocks meanwhile.
    @available(*, noasync, message: "encodes on the calling thread; use the async pngData(options:)")
    public func pngData(options: PNGOptions = .default) throws(PNGError) -> [UInt8] {
        try encodePNG(options: options)
    }

    /// Writes the image as a PNG file, atomically (see the synchronous `writePNG(to:options:)`), encoding
    /// and writing on the process's `WorkPool` while the caller suspends.
    public func writePNG(to url: URL, options: PNGOptions = .default) async throws {
        try await WorkPool.shared.run(first: true) { () throws in try AtomicFile.write(try encodePNG(options: options), to: url.path) }
    }

    func encodePNG(options: PNGOptions) throws(PNGError) -> [UInt8] {
        var buffer = fgpng_buffer(data: nil, size: 0)
        var error = [CChar](repeating: 0, count: 256)
        let keys = options.textChunks.map { strdup(Self.latin1Keyword($0.keyword)) }
        let values = options.textChunks.map { strdup($0.text) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        let status: Int32 = keys.withUnsafeBufferPointer { keyPointers in
            values.withUnsafeBufferPointer { valuePointers in
                keyPointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { keyBuffer in
                    valuePointers.withMemoryRebound(to: UnsafePointer<CChar>?.self) { valueBuffer in
                        let cicp = codePoints?.bytes ?? []
                        return cicp.withUnsafeBufferPointer { cicpBuffer in
                            var settings = fgpng_encode_options(
                                compression_level: Int32(options.compressionLevel),
                                strategy: options.strategy.rawValue,
                                filters: options.libpngFilters,
                                text_count: Int32(options.textChunks.count),
                                text_keys: keyBuffer.baseAddress,
                                text_values: valueBuffer.baseAddress,
                                cicp: codePoints == nil ? nil : cicpBuffer.baseAddress)
                            return pixels.withUnsafeBufferPointer { pixelBuffer in
                                fgpng_encode(pixelBuffer.baseAddress, UInt32(width), UInt32(height), bytesPerRow,
                                             Int32(pixelFormat.channels), Int32(pixelFormat.bitsPerChannel),
                                             &settings, &buffer, &error, error.count)
                            }
                        }
                    }
                }
            }
        }
        guard status == 0, let data = buffer.data else {
            throw PNGError(message: String(cBuffer: error))
        }
        defer { fgpng_free(data) }
        return Array(UnsafeBufferPointer(start: data, count: buffer.size))
    }

    /// Writes the image as a PNG file, atomically: the bytes go to a temporary file in the same folder,
    /// which is then renamed into place, so the final name never holds a partial file. Blocks the calling
    /// thread while it encodes and writes.
    @available(*, noasync, message: "encodes and writes on the calling thread; use the async writePNG(to:options:)")
    public func writePNG(to url: URL, options: PNGOptions = .default) throws {
        try AtomicFile.write(try encodePNG(options: options), to: url.path)
    }

    /// Decodes a PNG file's bytes on the process's `WorkPool` while the caller suspends, as
    /// `init(pngData:)` does on the calling thread.
    public static func decodingPNG(_ data: [UInt8]) async throws(PNGError) -> FrameImage {
        try await WorkPool.shared.run(first: true) { () throws(PNGError) in try FrameImage(decodingPNG: data) }
    }

    /// Decodes a PNG file's bytes. Palette and grey images become RGB(A); 16-bit images stay 16-bit.
    /// Blocks the calling thread while it decodes: in async code use `decodingPNG(_:)`.
    @available(*, noasync, message: "decodes on the calling thread; use FrameImage.decodingPNG(_:) in async code")
    public init(pngData data: [UInt8]) throws(PNGError) {
        try self.init(decodingPNG: data)
    }

    init(decodingPNG data: [UInt8]) throws(PNGError) {
        var decoded = fgpng_image()
        var error = [CChar](repeating: 0, count: 256)
        let status = data.withUnsafeBufferPointer { fgpng_decode($0.baseAddress, $0.count, &decoded, &error, error.count) }
        guard status == 0, let pixels = decoded.pixels else { throw PNGError(message: String(cBuffer: error)) }
        defer { fgpng_free(pixels) }
        let format: PixelFormat
        switch (decoded.channels, decoded.bit_depth) {
        case (3, 8): format = .rgb8
        case (4, 8): format = .rgba8
        case (3, 16): format = .rgb16
        case (4, 16): format = .rgba16
        default: throw PNGError(message: "unsupported PNG layout (\(decoded.channels) channels, \(decoded.bit_depth) bits)")
        }
        self.init(width: Int(decoded.width), height: Int(decoded.height), pixelFormat: format,
                  pixels: Array(UnsafeBufferPointer(start: pixels, count: decoded.row_bytes * Int(decoded.height))))
    }

    /// Reads and decodes a PNG file, on the calling thread (see `init(pngData:)`).
    @available(*, noasync, message: "reads and decodes on the calling thread; use FrameImage.decodingPNG(_:) in async code")
    public init(contentsOfPNG url: URL) throws {
        let data = try Data(contentsOf: url)
        try self.init(decodingPNG: [UInt8](data))
    }

    /// PNG keywords are 1–79 Latin-1 characters.
    private static func latin1Keyword(_ keyword: String) -> String {
        String(keyword.unicodeScalars.filter { $0.value >= 32 && $0.value < 256 }.prefix(79).map(Character.init))
    }
}
