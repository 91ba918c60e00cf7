extension AssetImageGenerator {
    /// Every result of `results(for:)`, in timeline order, computed on the calling thread by one decoder.
    /// For the fuzz target and other callers outside Swift concurrency; the asynchronous sequence is the
    /// public way.
    @_spi(Fuzzing)
    @available(*, noasync, message: "blocks the calling thread; iterate results(for:) instead")
    public func synchronousResults(for times: [MediaTime]) -> [ImageResult] {
        let answerer = RequestAnswerer(generator: self, settings: settings, threads: 1, demuxer: nil, isCancelled: { false })
        let order = times.indices.sorted { times[$0] == times[$1] ? $0 < $1 : times[$0] < times[$1] }
        return order.enumerated().map { position, index in
            asset.deadline.working { answerer.answer(times[index], index: index, last: position == order.count - 1) }
        }
    }
}
