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
}

/// Every FFmpeg return code passes through here: negative codes become an `FFmpegError` naming the call.
@discardableResult
func check(_ code: Int32, _ call: @autoclosure () -> String) throws(FFmpegError) -> Int32 {
    if code < 0 { throw FFmpegError(call: call(), code: code) }
    return code
}
