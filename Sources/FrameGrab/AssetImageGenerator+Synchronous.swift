extension AssetImageGenerator {
    /// Every result of `results(for:)`, computed on the calling thread. For the fuzz target and other
    /// callers outside Swift concurrency; the asynchronous sequence is the public way.
    @_spi(Fuzzing)
    public func synchronousResults(for times: [MediaTime]) -> [ImageResult] {
        let run = Run(results: results(for: times))
        var all: [ImageResult] = []
        while let result = run.next() { all.append(result) }
        return all
    }
}
