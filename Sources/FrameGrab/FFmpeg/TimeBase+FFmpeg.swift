internal import CFFmpeg

extension TimeBase {
    init(_ rational: AVRational) {
        self.init(numerator: rational.num, denominator: rational.den)
    }
}
