/// A stream's time base: its timestamps count in units of `numerator / denominator` seconds (a tick).
struct TimeBase: Sendable, Equatable {
    let numerator: Int32
    let denominator: Int32
}

extension MediaTime {
    /// `ticks` of a stream's time base, exactly.
    init(ticks: Int64, timeBase: TimeBase) {
        if timeBase.numerator == 1 {
            self.init(value: ticks, timescale: timeBase.denominator)
        } else {
            let value = Int128(ticks) * Int128(timeBase.numerator)
            self.init(value: Int64(clamping: value), timescale: timeBase.denominator)
        }
    }

    /// This time in ticks of a stream's time base, rounded toward negative infinity.
    func ticks(in timeBase: TimeBase) -> Int64 {
        switch kind {
        case .positiveInfinity: return Int64.max
        case .negativeInfinity, .invalid: return Int64.min
        case .numeric:
            let numerator = Int128(value) * Int128(timeBase.denominator)
            let denominator = Int128(timescale) * Int128(timeBase.numerator)
            var quotient = numerator / denominator
            if numerator % denominator != 0 && numerator < 0 { quotient -= 1 }
            return Int64(clamping: quotient)
        }
    }
}
