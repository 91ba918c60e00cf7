/// A point or span on a media timeline, held as a rational number `value / timescale` seconds,
/// like Core Media's `CMTime`.
///
/// Times read from a container are exact: a timestamp of 1001 ticks in a 1/30000 time base is
/// `MediaTime(value: 1001, timescale: 30000)`, with no floating-point rounding.
///
/// ```swift
/// let t = MediaTime(seconds: 12.5)           // 12500/1000
/// let frame = MediaTime(value: 1, timescale: 25)
/// t + frame                                  // 12.54 s
/// MediaTime.positiveInfinity > t             // true
/// ```
public struct MediaTime: Sendable, Hashable {
    /// Numerator. Meaningless for the infinite and invalid times.
    public let value: Int64
    /// Denominator: ticks per second, always positive for numeric times.
    public let timescale: Int32
    enum Kind: UInt8, Sendable { case negativeInfinity, numeric, positiveInfinity, invalid }
    let kind: Kind

    /// A time of `value / timescale` seconds. `timescale` must be positive.
    public init(value: Int64, timescale: Int32) {
        precondition(timescale > 0, "MediaTime timescale must be positive")
        self.value = value
        self.timescale = timescale
        self.kind = .numeric
    }

    /// The time nearest to `seconds` with the given timescale (1/1,000,000 s by default).
    /// Infinite inputs give the infinite times; NaN gives `.invalid`.
    public init(seconds: Double, preferredTimescale: Int32 = 1_000_000) {
        if seconds.isNaN {
            self = .invalid
        } else if seconds == .infinity {
            self = .positiveInfinity
        } else if seconds == -.infinity {
            self = .negativeInfinity
        } else {
            let ticks = (seconds * Double(preferredTimescale)).rounded()
            if ticks >= 9.2e18 {
                self = .positiveInfinity
            } else if ticks <= -9.2e18 {
                self = .negativeInfinity
            } else {
                self.init(value: Int64(ticks), timescale: preferredTimescale)
            }
        }
    }

    private init(kind: Kind) {
        self.value = 0
        self.timescale = 1
        self.kind = kind
    }

    /// Zero seconds (`0/1`): the start of the timeline.
    public static let zero = MediaTime(value: 0, timescale: 1)
    /// A time after every numeric time.
    public static let positiveInfinity = MediaTime(kind: .positiveInfinity)
    /// A time before every numeric time.
    public static let negativeInfinity = MediaTime(kind: .negativeInfinity)
    /// Not a time: the result of arithmetic that has no answer (for example ∞ − ∞).
    public static let invalid = MediaTime(kind: .invalid)

    /// Whether this is a finite time, neither infinite nor invalid.
    public var isNumeric: Bool { kind == .numeric }
    /// Whether this is `.positiveInfinity`.
    public var isPositiveInfinity: Bool { kind == .positiveInfinity }
    /// Whether this is `.negativeInfinity`.
    public var isNegativeInfinity: Bool { kind == .negativeInfinity }
    /// Whether this is a time at all: false only for `.invalid` (the infinite times are valid).
    public var isValid: Bool { kind != .invalid }

    /// The time in seconds (±infinity for the infinite times, NaN for `.invalid`).
    public var seconds: Double {
        switch kind {
        case .numeric: return Double(value) / Double(timescale)
        case .positiveInfinity: return .infinity
        case .negativeInfinity: return -.infinity
        case .invalid: return .nan
        }
    }

    /// The same time expressed with another timescale, rounding toward negative infinity
    /// when it cannot be expressed exactly.
    public func convertScale(_ newTimescale: Int32, rounding: RoundingRule = .down) -> MediaTime {
        guard kind == .numeric else { return self }
        let product = Int128(value) * Int128(newTimescale)
        let divisor = Int128(timescale)
        var quotient = product / divisor
        let remainder = product % divisor
        if remainder != 0 {
            switch rounding {
            case .down: if product < 0 { quotient -= 1 }
            case .up: if product > 0 { quotient += 1 }
            case .nearest:
                if 2 * (remainder < 0 ? -remainder : remainder) >= divisor { quotient += product < 0 ? -1 : 1 }
            }
        }
        return MediaTime(value: Int64(clamping: quotient), timescale: newTimescale)
    }

    /// How `convertScale(_:rounding:)` rounds a time that falls between two ticks.
    public enum RoundingRule: Sendable { case down, up, nearest }
}

extension MediaTime: Comparable {
    /// Two times are equal when they denote the same instant, whatever their timescales (`1/2` equals
    /// `500/1000`); each infinity equals itself, and invalid times equal each other.
    public static func == (lhs: MediaTime, rhs: MediaTime) -> Bool {
        guard lhs.kind == .numeric, rhs.kind == .numeric else { return lhs.kind == rhs.kind }
        return Int128(lhs.value) * Int128(rhs.timescale) == Int128(rhs.value) * Int128(lhs.timescale)
    }

    /// Hashes the time as a reduced fraction, so that equal times with different timescales hash alike.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        if kind == .numeric {
            let divisor = gcd(value.magnitude, UInt64(timescale))
            hasher.combine(value / Int64(divisor))
            hasher.combine(Int64(timescale) / Int64(divisor))
        }
    }

    /// Orders times on the timeline; `.invalid` sorts after everything, as in Core Media.
    public static func < (lhs: MediaTime, rhs: MediaTime) -> Bool {
        if lhs.kind == .numeric && rhs.kind == .numeric {
            return Int128(lhs.value) * Int128(rhs.timescale) < Int128(rhs.value) * Int128(lhs.timescale)
        }
        return lhs.order < rhs.order
    }

    private var order: Int {
        switch kind {
        case .negativeInfinity: return 0
        case .numeric: return 1
        case .positiveInfinity: return 2
        case .invalid: return 3
        }
    }
}

extension MediaTime {
    /// The sum: exact when the least common multiple of the two timescales fits in 32 bits, else rounded
    /// to the nearest tick of the finer timescale. An infinite operand gives its infinity; ∞ + (−∞) and
    /// an invalid operand give `.invalid`.
    public static func + (lhs: MediaTime, rhs: MediaTime) -> MediaTime {
        switch (lhs.kind, rhs.kind) {
        case (.invalid, _), (_, .invalid): return .invalid
        case (.positiveInfinity, .negativeInfinity), (.negativeInfinity, .positiveInfinity): return .invalid
        case (.positiveInfinity, _), (_, .positiveInfinity): return .positiveInfinity
        case (.negativeInfinity, _), (_, .negativeInfinity): return .negativeInfinity
        case (.numeric, .numeric): return combine(lhs, rhs, +)
        }
    }

    /// The difference, `lhs + (-rhs)`, by the rules of `+` (so ∞ − ∞ is `.invalid`).
    public static func - (lhs: MediaTime, rhs: MediaTime) -> MediaTime {
        lhs + (-rhs)
    }

    /// The time negated: the infinities trade places, and `.invalid` stays invalid.
    public static prefix func - (time: MediaTime) -> MediaTime {
        switch time.kind {
        case .numeric: return MediaTime(value: -time.value, timescale: time.timescale)
        case .positiveInfinity: return .negativeInfinity
        case .negativeInfinity: return .positiveInfinity
        case .invalid: return .invalid
        }
    }

    /// Adds `rhs` to `lhs`, by the rules of `+`.
    public static func += (lhs: inout MediaTime, rhs: MediaTime) { lhs = lhs + rhs }
    /// Subtracts `rhs` from `lhs`, by the rules of `-`.
    public static func -= (lhs: inout MediaTime, rhs: MediaTime) { lhs = lhs - rhs }

    /// Multiplies by an integer (for example a frame duration by a frame count).
    public static func * (lhs: MediaTime, rhs: Int64) -> MediaTime {
        switch lhs.kind {
        case .numeric:
            return MediaTime(value: lhs.value.multipliedReportingOverflow(by: rhs).overflow
                                ? (lhs.value < 0) != (rhs < 0) ? Int64.min : Int64.max
                                : lhs.value * rhs,
                             timescale: lhs.timescale)
        case .positiveInfinity, .negativeInfinity:
            if rhs == 0 { return .invalid }
            return rhs > 0 ? lhs : -lhs
        case .invalid: return .invalid
        }
    }

    /// Adds or subtracts two numeric times exactly when the common timescale fits in 32 bits,
    /// otherwise at the finer of the two timescales, rounded to the nearest tick.
    private static func combine(_ lhs: MediaTime, _ rhs: MediaTime, _ op: (Int128, Int128) -> Int128) -> MediaTime {
        if lhs.timescale == rhs.timescale {
            let result = op(Int128(lhs.value), Int128(rhs.value))
            return MediaTime(value: Int64(clamping: result), timescale: lhs.timescale)
        }
        let common = Int128(lhs.timescale) / Int128(gcd(UInt64(lhs.timescale), UInt64(rhs.timescale))) * Int128(rhs.timescale)
        if common <= Int128(Int32.max) {
            let scale = Int32(common)
            let a = Int128(lhs.value) * (common / Int128(lhs.timescale))
            let b = Int128(rhs.value) * (common / Int128(rhs.timescale))
            return MediaTime(value: Int64(clamping: op(a, b)), timescale: scale)
        }
        let scale = max(lhs.timescale, rhs.timescale)
        let a = lhs.convertScale(scale, rounding: .nearest), b = rhs.convertScale(scale, rounding: .nearest)
        return MediaTime(value: Int64(clamping: op(Int128(a.value), Int128(b.value))), timescale: scale)
    }
}

extension MediaTime: CustomStringConvertible {
    /// `12.5s`, `+inf`, `-inf` or `invalid`.
    public var description: String {
        switch kind {
        case .numeric: return "\(decimalSeconds)s"
        case .positiveInfinity: return "+inf"
        case .negativeInfinity: return "-inf"
        case .invalid: return "invalid"
        }
    }
}

extension MediaTime {
    /// Seconds as a decimal number with up to six decimals and no trailing zeros (`12.5`, `0.04`), for
    /// messages and JSON; the description for non-numeric times.
    public var decimalSeconds: String {
        guard isNumeric else { return description }
        return formatMicroseconds(convertScale(1_000_000, rounding: .nearest).value)
    }
}

private func formatMicroseconds(_ micro: Int64) -> String {
    let sign = micro < 0 ? "-" : ""
    let magnitude = micro.magnitude
    var fraction = String(magnitude % 1_000_000)
    fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return sign + String(magnitude / 1_000_000) + (fraction.isEmpty ? "" : "." + fraction)
}

func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var (a, b) = (a, b)
    while b != 0 { (a, b) = (b, a % b) }
    return max(a, 1)
}
