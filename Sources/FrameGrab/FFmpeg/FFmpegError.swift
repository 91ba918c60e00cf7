internal import CFFmpeg

/// A failed FFmpeg call: which function failed and what `av_strerror` says about its code.
struct FFmpegError: Error, CustomStringConvertible {
    let call: String
    let code: Int32

    var description: String { "\(call): \(message)" }

    var message: String {
        var buffer = [CChar](repeating: 0, count: 256)
        av_strerror(code, &buffer, buffer.count)
        return String(cBuffer: buffer)
    }

    var isEndOfFile: Bool { code == fg_averror_eof() }
    var isAgain: Bool { code == fg_averror_eagain() }
    var isInvalidData: Bool { code == fg_averror_invaliddata() }
    /// The POSIX errno behind the code, when FFmpeg wrapped one (`AVERROR(e)` is `-e`).
    var posixErrno: Int32? { code < 0 && code > -4096 ? -code : nil }

    /// The HTTP status a server answered with, when FFmpeg's `http` protocol failed on one
    /// (`AVERROR_HTTP_NOT_FOUND` and its siblings: `FFERRTAG(0xF8, '4', '0', '4')`); 499 and 599 stand for
    /// "another 4xx" and "a 5xx".
    var httpStatus: Int? {
        func tag(_ digits: String) -> Int32 {
            let b = Array(digits.utf8).map(UInt32.init)
            return -Int32(bitPattern: 0xF8 | b[0] << 8 | b[1] << 16 | b[2] << 24)
        }
        let known: [(String, Int)] = [("400", 400), ("401", 401), ("403", 403), ("404", 404), ("4XX", 499), ("5XX", 599)]
        return known.first { tag($0.0) == code }?.1
    }
}

/// Every FFmpeg return code passes through here: negative codes become an `FFmpegError` naming the call.
@discardableResult
func check(_ code: Int32, _ call: @autoclosure () -> String) throws(FFmpegError) -> Int32 {
    if code < 0 { throw FFmpegError(call: call(), code: code) }
    return code
}
