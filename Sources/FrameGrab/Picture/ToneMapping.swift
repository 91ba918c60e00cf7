import Foundation

/// Bits per channel of the images handed out.
public enum OutputDepth: Int, Sendable, CaseIterable {
    /// 8-bit samples (RGB or RGBA), the default.
    case eight = 8
    /// 16-bit samples: 10- and 12-bit sources keep their precision.
    case sixteen = 16
}

/// What happens to HDR (PQ or HLG) pictures.
public enum HDRPolicy: String, Sendable, CaseIterable {
    /// Tone-mapped to SDR BT.709 (as AVFoundation's `forceSDR`), the default. See `ToneMapping`.
    case toneMap = "tonemap"
    /// The un-mapped signal as 16-bit RGB in the source primaries and transfer, tagged with a `cICP` chunk.
    case keep
}

/// The HDR transfer functions.
package enum HDRTransfer: Sendable, Equatable {
    /// SMPTE ST 2084 perceptual quantizer (H.273 transfer characteristics 16).
    case pq
    /// ARIB STD-B67 hybrid log-gamma (H.273 transfer characteristics 18).
    case hlg

    var codePoint: UInt8 { self == .pq ? 16 : 18 }
}

/// HDR to SDR: the recipe widely used with ffmpeg
/// (`zscale=t=linear:npl=100,zscale=p=bt709,tonemap=hable:desat=0,zscale=t=bt709`), in Swift:
///
/// 1. The 16-bit R'G'B' signal (full range, source primaries) goes to linear light by the EOTF: PQ
///    (ST 2084) gives cd/m²; HLG applies its inverse OETF and the BT.2100 OOTF for a 1000 cd/m² display
///    (system gamma 1.2 on the BT.2020 luminance). Light is counted in units of 100 cd/m² (SDR white = 1).
/// 2. BT.2020 primaries become BT.709 by the 3×3 linear-light matrix of ITU-R BT.2087; negative
///    (out-of-gamut) components are clipped to 0.
/// 3. Hable's filmic curve ("Uncharted 2") on the largest component, keeping the ratios between R, G and
///    B (so hues do not shift): each component is multiplied by `hable(m) / hable(peak) / m`, `m` the
///    largest component. `peak` is the content's MaxCLL, else its mastering display's peak, else
///    10 000 cd/m² for PQ and 1000 cd/m² for HLG.
/// 4. The result, clipped to [0, 1], is encoded with the BT.709 OETF and quantised.
package enum ToneMapping {
    /// Hable's curve with its published constants.
    package static func hable(_ x: Double) -> Double {
        let a = 0.15, b = 0.50, c = 0.10, d = 0.20, e = 0.02, f = 0.30
        return (x * (x * a + b * c) + d * e) / (x * (x * a + b) + d * f) - e / f
    }

    /// PQ EOTF: a signal in [0, 1] to cd/m².
    package static func pqToNits(_ signal: Double) -> Double {
        let m1 = 2610.0 / 16384, m2 = 2523.0 / 4096 * 128
        let c1 = 3424.0 / 4096, c2 = 2413.0 / 4096 * 32, c3 = 2392.0 / 4096 * 32
        let p = pow(max(signal, 0), 1 / m2)
        return 10_000 * pow(max(p - c1, 0) / (c2 - c3 * p), 1 / m1)
    }

    /// HLG inverse OETF: a signal in [0, 1] to scene light in [0, 1].
    package static func hlgToScene(_ signal: Double) -> Double {
        let a = 0.17883277, b = 1 - 4 * a, c = 0.5 - a * log(4 * a)
        return signal <= 0.5 ? signal * signal / 3 : (exp((signal - c) / a) + b) / 12
    }

    /// BT.709 OETF.
    package static func bt709OETF(_ linear: Double) -> Double {
        linear < 0.018 ? 4.5 * linear : 1.099 * pow(linear, 0.45) - 0.099
    }

    /// BT.2020 to BT.709 primaries, on linear light (ITU-R BT.2087).
    static let gamut: [Double] = [
        1.660491, -0.587641, -0.072850,
        -0.124550, 1.132900, -0.008349,
        -0.018151, -0.100579, 1.118730,
    ]

    /// The tone-mapped value of one pixel: R'G'B' signals in [0, 1] in, BT.709 R'G'B' in [0, 1] out.
    /// `peak` in cd/m²; 0 picks the default for the transfer.
    package static func map(_ rgb: (Double, Double, Double), transfer: HDRTransfer, wideGamut: Bool = true,
                           peak: Double = 0) -> (Double, Double, Double) {
        let peakUnits = (peak > 0 ? peak : (transfer == .pq ? 10_000 : 1000)) / 100
        var linear: (Double, Double, Double)
        switch transfer {
        case .pq: linear = (pqToNits(rgb.0) / 100, pqToNits(rgb.1) / 100, pqToNits(rgb.2) / 100)
        case .hlg: linear = hlgOOTF((hlgToScene(rgb.0), hlgToScene(rgb.1), hlgToScene(rgb.2)))
        }
        return finish(linear, wideGamut: wideGamut, peak: peakUnits)
    }

    /// BT.2100 HLG OOTF for a 1000 cd/m² display, in units of 100 cd/m².
    static func hlgOOTF(_ s: (Double, Double, Double)) -> (Double, Double, Double) {
        let luminance = 0.2627 * s.0 + 0.6780 * s.1 + 0.0593 * s.2
        let gain = luminance > 0 ? 10 * pow(luminance, 0.2) : 0
        return (s.0 * gain, s.1 * gain, s.2 * gain)
    }

    static func finish(_ l: (Double, Double, Double), wideGamut: Bool, peak: Double) -> (Double, Double, Double) {
        var c = l
        if wideGamut {
            let m = gamut
            c = (max(0, m[0] * l.0 + m[1] * l.1 + m[2] * l.2),
                 max(0, m[3] * l.0 + m[4] * l.1 + m[5] * l.2),
                 max(0, m[6] * l.0 + m[7] * l.1 + m[8] * l.2))
        }
        let largest = max(c.0, c.1, c.2, 1e-6)
        let scale = hable(largest) / hable(peak) / largest
        func encode(_ v: Double) -> Double { bt709OETF(min(1, max(0, v * scale))) }
        return (encode(c.0), encode(c.1), encode(c.2))
    }

    /// Tone-maps a 16-bit image (as swscale gives it: full-range R'G'B' in the source primaries) to
    /// `depth`. Alpha, if any, is carried over.
    static func apply(to image: FrameImage, transfer: HDRTransfer, wideGamut: Bool, peak: Double,
                      depth: OutputDepth) -> FrameImage {
        precondition(image.pixelFormat.bitsPerChannel == 16)
        let alpha = image.pixelFormat.hasAlpha
        let format: FrameImage.PixelFormat = depth == .sixteen ? (alpha ? .rgba16 : .rgb16) : (alpha ? .rgba8 : .rgb8)
        var result = FrameImage(width: image.width, height: image.height, pixelFormat: format)
        let peakUnits = (peak > 0 ? peak : (transfer == .pq ? 10_000 : 1000)) / 100
        let lut = transfer == .pq ? pqTable : hlgTable
        let channels = format.channels, count = image.width * image.height
        let maximum = depth == .sixteen ? 65535.0 : 255.0
        image.pixels.withUnsafeBytes { raw in
            let source = raw.bindMemory(to: UInt16.self)
            result.pixels.withUnsafeMutableBytes { out in
                for i in 0..<count {
                    let base = i * channels
                    var linear = (Double(lut[Int(source[base])]), Double(lut[Int(source[base + 1])]),
                                  Double(lut[Int(source[base + 2])]))
                    if transfer == .hlg { linear = hlgOOTF(linear) }
                    let mapped = finish(linear, wideGamut: wideGamut, peak: peakUnits)
                    for c in 0..<3 {
                        let value = c == 0 ? mapped.0 : (c == 1 ? mapped.1 : mapped.2)
                        let q = (value * maximum).rounded()
                        if depth == .sixteen {
                            out.storeBytes(of: UInt16(q), toByteOffset: 2 * (base + c), as: UInt16.self)
                        } else {
                            out[base + c] = UInt8(q)
                        }
                    }
                    if alpha {
                        let a = source[base + 3]
                        if depth == .sixteen {
                            out.storeBytes(of: a, toByteOffset: 2 * (base + 3), as: UInt16.self)
                        } else {
                            out[base + 3] = UInt8((Double(a) * 255 / 65535).rounded())
                        }
                    }
                }
            }
        }
        return result
    }

    /// Linear light (units of 100 cd/m²) of every 16-bit PQ code value.
    static let pqTable: [Float] = (0...65535).map { Float(pqToNits(Double($0) / 65535) / 100) }
    /// Scene light of every 16-bit HLG code value.
    static let hlgTable: [Float] = (0...65535).map { Float(hlgToScene(Double($0) / 65535)) }
}
