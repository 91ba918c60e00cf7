import Foundation
import FrameGrab
import XCTest

/// Debian's `chromium`, run headless on a small page that does what a web player's scrubbing preview does
/// with a storyboard VTT: it loads the VTT with XMLHttpRequest and parses it with its own small parser (as
/// the players' thumbnail code does), finds the cue that contains each requested time, loads that cue's
/// sprite as an image and draws its `#xywh` rectangle onto a canvas of its own. The canvases come back as
/// PNGs inside the dumped DOM. The page also hands the VTT to a `<track>` element, so that the cues
/// Chromium's own (spec) WebVTT parser finds come back too.
///
/// Each run gets a fresh folder in the temporary directory for the page, the profile (`--user-data-dir`)
/// and `$HOME`; no display is used (`DISPLAY` is removed) and no host name resolves (no network).
enum Browser {
    /// One requested time, as the page showed it.
    struct Thumbnail: Sendable {
        /// The requested time, in seconds.
        let time: Double
        /// The cue the page chose for it.
        let cue: WebVTT.Cue
        /// The sprite's absolute file URL, as the page resolved the payload against the VTT's URL.
        let spriteURL: String
        /// The sprite's size as Chromium decoded it.
        let spriteWidth: Int, spriteHeight: Int
        /// The `#xywh` rectangle.
        let x: Int, y: Int, width: Int, height: Int
        /// The canvas the rectangle was drawn on (`width × height`, RGBA from `toDataURL('image/png')`).
        let image: FrameImage
    }

    struct Result: Sendable {
        /// One per requested time, in the same order.
        let thumbnails: [Thumbnail]
        /// The cues as the page's own parser read them (start, end, payload only).
        let pageCues: [WebVTT.Cue]
        /// The cues of the `<track>` element's TextTrack (Chromium's WebVTT parser).
        let trackCues: [WebVTT.Cue]
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `FRAMEGRAB_CHROMIUM` if set, else `chromium` on the PATH. When there is none: a failure under
    /// `CI=true` (CI installs it: `scripts/bootstrap --with-browser`), an `XCTSkip` elsewhere.
    static func executable() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let override = environment["FRAMEGRAB_CHROMIUM"], !override.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: override) else {
                throw Failure(description: "FRAMEGRAB_CHROMIUM=\(override) is not an executable file")
            }
            return URL(fileURLWithPath: override)
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("chromium")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        let message = "chromium is not installed (no chromium on the PATH, FRAMEGRAB_CHROMIUM not set); "
            + "install it with `scripts/bootstrap --with-browser` (Debian's chromium package)"
        if environment["CI"] == "true" { throw Failure(description: "CI=true: \(message)") }
        throw XCTSkip(message)
    }

    /// Opens the storyboard VTT at `vtt` in headless Chromium and returns, for each of `times` (seconds),
    /// the picture the page drew for it. Throws `XCTSkip` when chromium is missing (outside CI) and a
    /// `Failure` when Chromium fails, takes longer than `timeout` seconds, or the page cannot show a time
    /// (no cue contains it, the payload has no `#xywh`, the sprite does not load, the rectangle leaves it).
    /// The run's folder is removed afterwards; with `FRAMEGRAB_KEEP_BROWSER_RUN=1` in the environment, a
    /// failed run's folder (page, profile, Chromium's stdout and stderr) is kept and named in the message.
    static func thumbnails(vtt: URL, at times: [Double], timeout: Double = 60) throws -> Result {
        let chromium = try executable()
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("framegrab-browser-\(UUID().uuidString)", isDirectory: true)
        for sub in ["profile", "home"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        var succeeded = false
        let keep = ProcessInfo.processInfo.environment["FRAMEGRAB_KEEP_BROWSER_RUN"] == "1"
        defer { if succeeded || !keep { try? FileManager.default.removeItem(at: folder) } }
        let kept = keep ? "run folder kept: \(folder.path)" : "set FRAMEGRAB_KEEP_BROWSER_RUN=1 to keep the run's folder"

        let config: [String: Any] = ["vtt": vtt.standardizedFileURL.absoluteString, "times": times]
        let configJSON = String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self)
        let page = folder.appendingPathComponent("storyboard-player.html")
        try Data(pageTemplate.replacingOccurrences(of: "/*CONFIG*/null", with: configJSON).utf8).write(to: page)

        let arguments = commandLine(page: page, profile: folder.appendingPathComponent("profile"))
        let (stdout, stderr) = try run(chromium, arguments, folder: folder, timeout: timeout, kept: kept)
        do {
            let result = try parse(dom: stdout, times: times)
            succeeded = true
            return result
        } catch let error as Failure {
            throw Failure(description: "\(error.description)\nchromium: \(chromium.path) \(arguments.joined(separator: " "))\n"
                + "\(kept)\nchromium's stderr (last lines):\n\(lastLines(stderr, 15))")
        }
    }

    /// The flags, in the order the report gives them.
    static func commandLine(page: URL, profile: URL) -> [String] {
        [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            // file:// pages may read other file:// URLs (the VTT by XMLHttpRequest, the sprites on a canvas
            // that stays readable).
            "--allow-file-access-from-files",
            "--user-data-dir=\(profile.path)",
            // No network at all: every host name fails to resolve, and nothing runs in the background.
            "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--disable-default-apps", "--no-first-run", "--no-default-browser-check",
            "--disable-breakpad", "--mute-audio", "--password-store=basic", "--use-mock-keychain",
            // Pixels as stored: images without a colour profile are sRGB, and so is the output.
            "--force-color-profile=srgb",
            // Virtual time: the DOM is dumped when the page is idle (loads included) or after 10 s of virtual time.
            "--virtual-time-budget=10000", "--dump-dom", page.absoluteString,
        ]
    }

    // MARK: Running

    private static func run(_ chromium: URL, _ arguments: [String], folder: URL, timeout: Double, kept: String) throws -> (String, String) {
        // coreutils' timeout runs chromium in a process group of its own and signals the whole group (browser,
        // zygote, renderer, GPU process) when time is up: TERM, then KILL 5 s later.
        var environment = ProcessInfo.processInfo.environment
        for name in ["DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "DBUS_SESSION_BUS_ADDRESS"] { environment[name] = nil }
        let home = folder.appendingPathComponent("home").path
        environment["HOME"] = home
        environment["XDG_CONFIG_HOME"] = home + "/.config"
        environment["XDG_CACHE_HOME"] = home + "/.cache"
        let started = Date()
        // timeout itself stops it; the KILL 15 s after its limit is the backstop should timeout hang.
        let run = try FileOutputProcess.run(URL(fileURLWithPath: "/usr/bin/timeout"),
                                            ["--kill-after=5", String(Int(timeout.rounded(.up))), chromium.path] + arguments,
                                            in: folder, environment: environment,
                                            stdout: folder.appendingPathComponent("stdout.html"), stderr: folder.appendingPathComponent("stderr.txt"),
                                            timeout: timeout + 15, signalOnTimeout: SIGKILL)
        let (stdout, stderr, status) = (run.stdout, run.stderr, run.status)
        // timeout exits 124 when it had to stop chromium, 137 when it killed it.
        if run.reason == .uncaughtSignal || status == 124 || status == 137 {
            throw Failure(description: "chromium did not finish within \(Int(timeout)) s (stopped after \(String(format: "%.1f", Date().timeIntervalSince(started))) s; "
                + "status \(status)); \(kept)\nchromium's stderr (last lines):\n\(lastLines(stderr, 15))")
        }
        if status != 0 {
            throw Failure(description: "chromium exited with status \(status); \(kept)\n"
                + "chromium's stderr (last lines):\n\(lastLines(stderr, 15))")
        }
        return (stdout, stderr)
    }

    private static func lastLines(_ text: String, _ count: Int) -> String {
        text.split(separator: "\n").suffix(count).joined(separator: "\n")
    }

    // MARK: The page's answer

    private struct PageCue: Decodable {
        let start: Double
        let end: Double
        let text: String
        var cue: WebVTT.Cue {
            WebVTT.Cue(identifier: nil, start: WebVTT.Time(seconds: start), end: WebVTT.Time(seconds: end), settings: "", payload: text)
        }
    }

    private struct PageThumbnail: Decodable {
        let time: Double
        let cue: PageCue
        let sprite: String
        let naturalWidth: Int, naturalHeight: Int
        let x: Int, y: Int, w: Int, h: Int
        let png: String
    }

    private struct PageAnswer: Decodable {
        let errors: [String]
        let log: [String]
        let pageCues: [PageCue]?
        let trackCues: [PageCue]?
        let thumbnails: [PageThumbnail]
    }

    /// The page writes its answer as base64 of JSON between two markers that its source only spells in pieces.
    private static func parse(dom: String, times: [Double]) throws -> Result {
        guard let begin = dom.range(of: "FRAMEGRAB-ANSWER["), let end = dom.range(of: "]FRAMEGRAB-ANSWER", range: begin.upperBound..<dom.endIndex) else {
            let progress = dom.range(of: "FRAMEGRAB-LOG[").map { String(dom[$0.upperBound...].prefix { $0 != "]" }) } ?? "(none)"
            throw Failure(description: "the page did not finish within Chromium's virtual time budget (no answer in the dumped DOM, "
                + "\(dom.utf8.count) bytes); the page's progress: \(progress)")
        }
        guard let json = Data(base64Encoded: String(dom[begin.upperBound..<end.lowerBound])) else {
            throw Failure(description: "the page's answer is not base64")
        }
        let answer: PageAnswer
        do {
            answer = try JSONDecoder().decode(PageAnswer.self, from: json)
        } catch {
            throw Failure(description: "the page's answer is not the expected JSON: \(error)")
        }
        guard answer.errors.isEmpty else {
            throw Failure(description: "the page could not show every time:\n  " + answer.errors.joined(separator: "\n  ")
                + "\npage log:\n  " + answer.log.joined(separator: "\n  "))
        }
        guard let pageCues = answer.pageCues, let trackCues = answer.trackCues, answer.thumbnails.count == times.count else {
            throw Failure(description: "the page's answer is incomplete\npage log:\n  " + answer.log.joined(separator: "\n  "))
        }
        var thumbnails: [Thumbnail] = []
        for item in answer.thumbnails {
            let prefix = "data:image/png;base64,"
            guard item.png.hasPrefix(prefix), let png = Data(base64Encoded: String(item.png.dropFirst(prefix.count))) else {
                throw Failure(description: "time \(item.time): the canvas did not come back as a PNG data URL (\(item.png.prefix(40))…)")
            }
            let image: FrameImage
            do {
                image = try FrameImage(pngData: [UInt8](png))
            } catch {
                throw Failure(description: "time \(item.time): the canvas PNG does not decode: \(error)")
            }
            thumbnails.append(Thumbnail(time: item.time, cue: item.cue.cue, spriteURL: item.sprite,
                                        spriteWidth: item.naturalWidth, spriteHeight: item.naturalHeight,
                                        x: item.x, y: item.y, width: item.w, height: item.h, image: image))
        }
        return Result(thumbnails: thumbnails, pageCues: pageCues.map(\.cue), trackCues: trackCues.map(\.cue))
    }

    // MARK: The page

    /// What a player's thumbnail code does, in plain JavaScript (no network, no libraries). `/*CONFIG*/null`
    /// is replaced by `{"vtt": <file URL>, "times": [seconds…]}`.
    static let pageTemplate = #"""
    <!DOCTYPE html>
    <html><head><meta charset="utf-8"><title>framegrab storyboard check</title>
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; img-src file:; connect-src file:; media-src file:; style-src 'unsafe-inline'">
    </head><body><video id="video" muted></video><div id="canvases"></div><pre id="log"></pre>
    <script>
    "use strict";
    const config = /*CONFIG*/null;
    const log = [];
    const marker = "FRAMEGRAB-";
    function note(text) {
      log.push(text);
      document.getElementById("log").textContent = marker + "LOG[" + log.join(" | ") + "]";
    }

    // As players' thumbnail code parses a VTT: cue blocks of "start --> end" then payload lines.
    function parseTime(text) {
      const m = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/.exec(text);
      if (!m) throw new Error("bad timestamp " + JSON.stringify(text));
      return Number(m[1] || 0) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000;
    }
    function parseVTT(text) {
      const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
      if (!/^WEBVTT([ \t].*)?$/.test(lines[0])) throw new Error("no WEBVTT header");
      const cues = [];
      for (let i = 1; i < lines.length; i++) {
        const m = /^(\S+)[ \t]+-->[ \t]+(\S+)/.exec(lines[i]);
        if (!m) continue;
        const payload = [];
        for (i++; i < lines.length && lines[i] !== ""; i++) payload.push(lines[i]);
        cues.push({start: parseTime(m[1]), end: parseTime(m[2]), text: payload.join("\n")});
      }
      return cues;
    }
    function fetchText(url) {
      return new Promise((resolve, reject) => {
        const request = new XMLHttpRequest();
        request.open("GET", url);
        request.onload = () => resolve(request.responseText);
        request.onerror = () => reject(new Error("cannot load " + url));
        request.send();
      });
    }
    function loadImage(url) {
      return new Promise((resolve, reject) => {
        const image = new Image();
        image.onload = () => resolve(image);
        image.onerror = () => reject(new Error("cannot load the sprite " + url));
        image.src = url;
      });
    }
    // The same file through a <track> element: Chromium's own WebVTT parser.
    function trackCues(url) {
      return new Promise((resolve, reject) => {
        const track = document.createElement("track");
        track.kind = "metadata";
        track.src = url;
        track.addEventListener("load", () => {
          resolve(Array.from(track.track.cues, c => ({start: c.startTime, end: c.endTime, text: c.text})));
        });
        track.addEventListener("error", () => reject(new Error("the <track> element could not load " + url)));
        document.getElementById("video").appendChild(track);
        track.track.mode = "hidden";
      });
    }
    // The cue on screen at t: start <= t < end; the last cue also at its end.
    function cueAt(cues, t) {
      const found = cues.find(c => c.start <= t && t < c.end);
      if (found) return found;
      const last = cues[cues.length - 1];
      return last && t === last.end ? last : null;
    }
    async function thumbnail(cues, t, errors) {
      const cue = cueAt(cues, t);
      if (!cue) { errors.push("no cue contains " + t + " s"); return null; }
      const hash = cue.text.indexOf("#");
      const fragment = hash < 0 ? null : /^xywh=(?:pixel:)?(\d+),(\d+),(\d+),(\d+)$/.exec(cue.text.slice(hash + 1).trim());
      if (!fragment) { errors.push(t + " s: no #xywh=x,y,w,h in the payload " + JSON.stringify(cue.text)); return null; }
      const [x, y, w, h] = fragment.slice(1).map(Number);
      const sprite = new URL(cue.text.slice(0, hash).trim(), config.vtt).href;
      const image = await loadImage(sprite);
      note(t + " s: " + sprite + " " + image.naturalWidth + "x" + image.naturalHeight + " #xywh=" + [x, y, w, h]);
      if (w === 0 || h === 0 || x + w > image.naturalWidth || y + h > image.naturalHeight) {
        errors.push(t + " s: #xywh=" + [x, y, w, h] + " is not inside the " + image.naturalWidth + "x" + image.naturalHeight + " sprite " + sprite);
        return null;
      }
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const context = canvas.getContext("2d");
      context.imageSmoothingEnabled = false;
      context.drawImage(image, x, y, w, h, 0, 0, w, h);
      document.getElementById("canvases").appendChild(canvas);
      return {time: t, cue, sprite, naturalWidth: image.naturalWidth, naturalHeight: image.naturalHeight, x, y, w, h,
              png: canvas.toDataURL("image/png")};
    }
    async function main() {
      const answer = {errors: [], log, pageCues: null, trackCues: null, thumbnails: []};
      try {
        const text = await fetchText(config.vtt);
        note("VTT: " + text.length + " characters");
        answer.pageCues = parseVTT(text);
        answer.trackCues = await trackCues(config.vtt);
        note("cues: page " + answer.pageCues.length + ", track " + answer.trackCues.length);
        for (const t of config.times) {
          try {
            const item = await thumbnail(answer.pageCues, t, answer.errors);
            if (item) answer.thumbnails.push(item);
          } catch (error) {
            answer.errors.push(t + " s: " + error.message);
          }
        }
      } catch (error) {
        answer.errors.push(String(error && error.message || error));
      }
      const json = JSON.stringify(answer);
      const bytes = new TextEncoder().encode(json);
      let binary = "";
      for (let i = 0; i < bytes.length; i += 8192) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
      const out = document.createElement("pre");
      out.textContent = marker + "ANSWER[" + btoa(binary) + "]" + marker + "ANSWER";
      document.body.appendChild(out);
    }
    window.addEventListener("error", event => note("uncaught: " + event.message));
    main();
    </script></body></html>
    """#
}
