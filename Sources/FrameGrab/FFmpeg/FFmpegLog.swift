internal import CFFmpeg
import Locking

/// FFmpeg's own log output: silent unless asked for, so people read framegrab's messages, not decoder chatter.
package enum FFmpegLog {
    private static let chosen = Lock(false)

    /// Shows FFmpeg's warnings and errors on stderr when true; silences them when false (the default).
    package static func setVerbose(_ verbose: Bool) {
        chosen.withLock { chosen in
            chosen = true
            av_log_set_level(verbose ? AV_LOG_WARNING : AV_LOG_QUIET)
        }
    }

    /// Silences FFmpeg unless `setVerbose` was called.
    static func applyDefault() {
        chosen.withLock { chosen in
            if !chosen {
                chosen = true
                av_log_set_level(AV_LOG_QUIET)
            }
        }
    }
}
