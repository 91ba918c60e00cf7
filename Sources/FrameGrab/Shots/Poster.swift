import Foundation

/// The frame chosen to stand for a video (`MediaAsset.posterFrame()`), and why.
public struct PosterChoice: Sendable {
    /// The time of the chosen frame (a request at this time gets it).
    public let time: MediaTime
    /// What was measured on it.
    public let score: PosterScore
}

/// The measures behind a poster choice, each from 0 to 1 (higher is better).
public struct PosterScore: Sendable, Equatable {
    /// How sharp the frame is against the sharpest candidate: the mean absolute Laplacian of its luma at
    /// 320 pixels wide (motion blur and the middle of a dissolve score low).
    public let sharpness: Double
    /// How close its colours are to the video's typical colours, as ffmpeg's `thumbnail` filter judges: one
    /// less its histogram's squared distance from the candidates' mean histogram, over the largest such
    /// distance (a flash or an outlier scores low).
    public let typicality: Double
    /// The mean of the two: what the choice maximises.
    public let total: Double
    /// Candidates measured: keyframes spread over the video, then frames around the best one.
    public let candidates: Int
}

extension MediaAsset {
    /// The frame a person would pick to stand for the video: not blank, sharp, and representative.
    ///
    /// Looks at `spread` keyframes, one near the middle of each equal slice of the video (one that looks
    /// blank is replaced by the nearest frame of its slice that is not, by the decoder's blank check; slices
    /// with nothing but blank frames are left out), measured on images 320 pixels wide; then at the frames a fifth of a second apart for one second
    /// after the best of them (decoding on from its keyframe), and keeps the best of all by
    /// `PosterScore.total`. It costs about as much as `spread` keyframe stills. Throws when no frame can be
    /// decoded; a video of blank frames only gets the frame in its middle.
    public func posterFrame(spread: Int = 16) async throws(FrameGrabError) -> PosterChoice {
        let length = try await measuredVideoDuration()
        guard length.isNumeric, length > .zero else {
            throw FrameGrabError(.invalidTime, "\(path): the video's length is unknown; no poster can be chosen", path: path)
        }
        var settings = GenerationSettings()
        settings.maximumSize = PixelSize(width: 320, height: 0)
        settings.toleranceBefore = .positiveInfinity
        settings.toleranceAfter = .positiveInfinity
        let slices = PosterCandidate.slices(of: length, count: spread)
        // The keyframes first, as plain requests; only the slices whose keyframe looks blank are asked again,
        // with the decoder's own blank check (which decodes on from the keyframe).
        let generator = AssetImageGenerator(asset: self, settings: settings)
        var candidates = try await PosterCandidate.measure(generator, slices.map { FrameRequest(time: $0.time) })
        let blank = Set(candidates.indices.filter { candidates[$0].looksBlank }.map { candidates[$0].request })
        candidates.removeAll { $0.looksBlank }
        candidates += try await PosterCandidate.measure(generator, blank.sorted().map { slices[$0] })
        if candidates.isEmpty {
            let middle = MediaTime(seconds: length.seconds / 2)
            return PosterChoice(time: middle, score: PosterScore(sharpness: 0, typicality: 0, total: 0, candidates: 0))
        }
        // Around the best keyframe: the frames after it, exact, where a steadier picture may be.
        let best = PosterCandidate.ranked(candidates)[0]
        settings.toleranceBefore = .zero
        settings.toleranceAfter = .zero
        let around = (1...5).map { best.time + MediaTime(value: Int64($0), timescale: 5) }.filter { $0 < length }
            .map { FrameRequest(time: $0, nonBlankIn: $0...$0) }  // measured, and left out when blank
        candidates += try await PosterCandidate.measure(AssetImageGenerator(asset: self, settings: settings), around)
        let ranked = PosterCandidate.ranked(candidates)
        return PosterChoice(time: ranked[0].time, score: ranked[0].score(among: candidates))
    }
}

extension MediaAsset {
    /// The poster frame's image, made with `settings` (its size, rotation, colour; its tolerances are not
    /// used: the image is of exactly the chosen frame): `posterFrame(spread:)`, then that frame.
    ///
    /// An input read once (`readsOnce`) is looked at in one pass instead: the candidates are the exact frames
    /// at the middle of each of `spread` slices (the first after it that is not blank, within its slice), made
    /// with `settings`, measured on copies about 320 pixels wide, and kept until the choice is made, so that
    /// the chosen one needs no second pass. Its length must be stated by the container (see
    /// `measuredVideoDuration()`).
    public func posterImage(spread: Int = 16, settings: GenerationSettings = GenerationSettings()) async throws(FrameGrabError)
        -> (choice: PosterChoice, image: FrameImage, actualTime: MediaTime) {
        var exact = settings
        exact.toleranceBefore = .zero
        exact.toleranceAfter = .zero
        exact.nonBlankWithin = nil
        guard readsOnce else {
            let choice = try await posterFrame(spread: spread)
            let still = try await AssetImageGenerator(asset: self, settings: exact).image(at: choice.time)
            return (choice, still.image, still.actualTime)
        }
        let length = try await measuredVideoDuration()
        guard length.isNumeric, length > .zero else {
            throw FrameGrabError(.invalidTime, "\(path): the video's length is unknown; no poster can be chosen", path: path)
        }
        let slices = PosterCandidate.slices(of: length, count: spread)
        var kept: [(candidate: PosterCandidate, image: GeneratedImage)] = []
        var middle: GeneratedImage?, failure: FrameGrabError?
        for await result in AssetImageGenerator(asset: self, settings: exact).results(for: slices) {
            switch result.outcome {
            case .failure(let error):
                failure = failure ?? error
            case .success(let generated):
                if result.requestIndex == slices.count / 2 { middle = generated }
                guard generated.blankFrameCheck != .blank else { continue }
                let image = generated.image, time = generated.actualTime
                let candidate = await WorkPool.shared.run { PosterCandidate(time: time, image: PosterCandidate.shrunk(image, toAbout: 320)) }
                kept.append((candidate, generated))
            }
        }
        guard let best = PosterCandidate.ranked(kept.map(\.candidate)).first, let chosen = kept.first(where: { $0.candidate.time == best.time }) else {
            // Blank frames only: the one in the middle.
            guard let middle else {
                throw failure ?? FrameGrabError(.decodeFailed, "\(path): no frame could be decoded", path: path)
            }
            return (PosterChoice(time: middle.actualTime, score: PosterScore(sharpness: 0, typicality: 0, total: 0, candidates: 0)),
                    middle.image, middle.actualTime)
        }
        return (PosterChoice(time: best.time, score: best.score(among: kept.map(\.candidate))), chosen.image.image, best.time)
    }
}

/// One frame looked at for a poster: its time, sharpness and colour histogram.
struct PosterCandidate {
    let time: MediaTime
    /// The position of the request it answers.
    var request = 0
    let sharpness: Double
    /// 16 bins per RGB channel, as shares of the pixels.
    let histogram: [Double]
    /// Whether the image looks blank: 96 % of each RGB channel within 24 levels (the decoder's own check,
    /// `BlankFrameCheck`, decides for the frames asked again).
    let looksBlank: Bool

    /// A request at the middle of each of `count` equal slices of `length`, moved off blank frames within its slice.
    static func slices(of length: MediaTime, count: Int) -> [FrameRequest] {
        let count = max(1, count), slice = length.seconds / Double(count)
        return (0..<count).map { index in
            let start = MediaTime(seconds: slice * Double(index)), end = MediaTime(seconds: slice * Double(index + 1) - 1e-6)
            return FrameRequest(time: MediaTime(seconds: slice * (Double(index) + 0.5)), nonBlankIn: start...max(start, end))
        }
    }

    /// `image` made smaller by averaging square blocks of pixels, as few as keep it at least `width` wide
    /// (the image itself when it is less than twice that): a copy to measure.
    static func shrunk(_ image: FrameImage, toAbout width: Int) -> FrameImage {
        let factor = image.width / max(width, 1)
        guard factor >= 2 else { return image }
        let (w, h) = (image.width / factor, max(1, image.height / factor))
        let channels = image.pixelFormat.channels, wide = image.pixelFormat.bitsPerChannel == 16
        var pixels = [UInt8](repeating: 0, count: w * h * channels * (wide ? 2 : 1))
        let area = factor * min(factor, image.height)
        for y in 0..<h {
            for x in 0..<w {
                for c in 0..<channels {
                    var sum = 0
                    for dy in 0..<min(factor, image.height) {
                        for dx in 0..<factor { sum += image.sample(x: x * factor + dx, y: min(y * factor + dy, image.height - 1), channel: c) }
                    }
                    let value = (sum + area / 2) / area, index = (y * w + x) * channels + c
                    if wide {
                        pixels[2 * index] = UInt8(value & 0xFF)
                        pixels[2 * index + 1] = UInt8(value >> 8)
                    } else {
                        pixels[index] = UInt8(value)
                    }
                }
            }
        }
        return FrameImage(width: w, height: h, pixelFormat: image.pixelFormat, pixels: pixels)
    }

    /// The frames of `requests` that are not blank (by the decoder's check, where a request asked for it), measured.
    static func measure(_ generator: AssetImageGenerator, _ requests: [FrameRequest]) async throws(FrameGrabError) -> [PosterCandidate] {
        var found: [PosterCandidate] = []
        for await result in generator.results(for: requests) {
            guard case .success(let generated) = result.outcome, generated.blankFrameCheck != .blank else { continue }
            let image = generated.image, time = generated.actualTime
            var candidate = await WorkPool.shared.run { PosterCandidate(time: time, image: image) }
            candidate.request = result.requestIndex
            found.append(candidate)
        }
        return found
    }

    init(time: MediaTime, image: FrameImage) {
        self.time = time
        let width = image.width, height = image.height, channels = image.pixelFormat.channels
        let wide = image.pixelFormat.bitsPerChannel == 16
        var luma = [Double](repeating: 0, count: width * height)
        var histogram = [Double](repeating: 0, count: 48)
        image.pixels.withUnsafeBufferPointer { pixels in
            for index in 0..<(width * height) {
                var rgb = [0, 0, 0]
                for channel in 0..<3 {
                    let sample = index * channels + channel
                    rgb[channel] = wide ? Int(pixels[2 * sample + 1]) : Int(pixels[sample])
                    histogram[channel * 16 + rgb[channel] / 16] += 1
                }
                luma[index] = 0.299 * Double(rgb[0]) + 0.587 * Double(rgb[1]) + 0.114 * Double(rgb[2])
            }
        }
        let total = Double(width * height)
        self.histogram = histogram.map { $0 / total }
        // The 2nd to 98th percentile of each channel, from its 16-level bins: within two bins (24 levels
        // reach at most two) is blank.
        looksBlank = (0..<3).allSatisfy { channel in
            let bins = histogram[(channel * 16)..<(channel * 16 + 16)].map { $0 / total }
            var low = 0, high = 15, seen = 0.0
            while low < 15 && seen + bins[bins.startIndex + low] <= 0.02 { seen += bins[bins.startIndex + low]; low += 1 }
            seen = 0
            while high > 0 && seen + bins[bins.startIndex + high] <= 0.02 { seen += bins[bins.startIndex + high]; high -= 1 }
            return high - low <= 1
        }
        var laplacian = 0.0
        if width > 2 && height > 2 {
            for y in 1..<(height - 1) {
                for x in 1..<(width - 1) {
                    let i = y * width + x
                    laplacian += abs(4 * luma[i] - luma[i - 1] - luma[i + 1] - luma[i - width] - luma[i + width])
                }
            }
            laplacian /= Double((width - 2) * (height - 2))
        }
        sharpness = laplacian
    }

    /// The candidates, best first (by `score(among:)`; earlier first among equals).
    static func ranked(_ candidates: [PosterCandidate]) -> [PosterCandidate] {
        candidates.map { ($0, $0.score(among: candidates).total) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.time < $1.0.time }
            .map(\.0)
    }

    func score(among candidates: [PosterCandidate]) -> PosterScore {
        let sharpest = candidates.map(\.sharpness).max() ?? 0
        let mean = (0..<48).map { bin in candidates.reduce(0) { $0 + $1.histogram[bin] } / Double(candidates.count) }
        func distance(_ candidate: PosterCandidate) -> Double {
            zip(candidate.histogram, mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        }
        let farthest = candidates.map(distance).max() ?? 0
        let sharpness = sharpest > 0 ? self.sharpness / sharpest : 1
        let typicality = farthest > 0 ? 1 - distance(self) / farthest : 1
        return PosterScore(sharpness: sharpness, typicality: typicality, total: (sharpness + typicality) / 2,
                           candidates: candidates.count)
    }
}
