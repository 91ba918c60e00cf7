/// Why the decoding core could not answer a request (`RequestAnswerer` turns it into a `FrameGrabError`).
enum DecodeFailure: Error {
    case beyondEnd(lastFrameEnd: Int64)
    case decodeFailed(String)
    /// A frame presented at this tick was given to the decoder and never came out.
    case framesMissing(Int64)
    case cancelled
    case timedOut
    case tooLarge(PixelSize)
    /// The input is read once, forward (`MediaAsset.readsOnce`), and the answer lies behind what was read.
    case needsSeeking(String)
}
