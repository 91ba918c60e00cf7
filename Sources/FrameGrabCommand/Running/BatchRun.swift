import Foundation
import FrameGrab

/// What every run over inputs shares — `grab`, `sheet`, `storyboard`, `poster` and `shots` — written once: signals heard from
/// the first moment, a plan (nil when a problem stops the run before anything is decoded; the plan said
/// why), a progress bar while the jobs run (at most `concurrency` inputs at once, each counted as done), a
/// summary, and the exit status (128 + the signal when interrupted).
protocol BatchRun: Sendable {
    associatedtype Job: Sendable
    var output: Output { get }
    var reporter: Reporter { get }
    /// The one count of what happened: the progress bar, the summary and the exit status read it.
    var counts: RunCounts { get }
    /// Inputs worked on at once (`--jobs`).
    var concurrency: Int { get }
    /// `--quiet`: no progress bar.
    var quiet: Bool { get }
    /// No summary line (`--quiet` by default; for grab also `-o - --json`, whose stderr carries the JSON lines).
    var summaryIsQuiet: Bool { get }
    /// Whether the run lists shots rather than writing images (its summary counts shots).
    var listsShots: Bool { get }
    /// The jobs, one per input; nil when the run must not start (64).
    func plan() async -> [Job]?
    /// Requests the jobs will answer, for the progress bar.
    func requestCount(of jobs: [Job]) -> Int
    /// Does one job; `concurrent`: how many jobs run at once (they share the cores).
    func process(_ job: Job, concurrent: Int) async
    /// The exit status of a run that ran to its end (by default 0, or 1 when something failed).
    func exitStatus() -> Int32
}

extension BatchRun {
    var listsShots: Bool { false }
    var summaryIsQuiet: Bool { quiet }
    func exitStatus() -> Int32 { counts.snapshot.failed > 0 ? 1 : 0 }

    /// Runs everything and returns the exit status.
    func runThrough() async -> Int32 {
        let started = ContinuousClock.now
        let interrupt = await Interrupt.install()
        guard let jobs = await planCancellably(interrupt: interrupt, plan) else { return interrupt.received.map { 128 + $0 } ?? 64 }
        // Files found in folders that turn out not to be video when their job opens them are not counted as files.
        let notVideoWhenPlanned = counts.snapshot.notVideo
        if interrupt.received == nil {
            let progress = ProgressBar.wanted(quiet: quiet)
                ? ProgressBar(output: output, counts: counts, totalFiles: jobs.count, totalRequests: requestCount(of: jobs)) : nil
            progress?.start()
            let concurrent = min(concurrency, jobs.count)
            await workThrough(jobs, interrupt: interrupt) { job in await process(job, concurrent: concurrent) }
            progress?.stop()
        }
        let done = counts.snapshot
        Summary.report(done, files: jobs.count - (done.notVideo - notVideoWhenPlanned), elapsed: ProgressBar.seconds(ContinuousClock.now - started),
                       listsShots: listsShots, quiet: summaryIsQuiet, reporter: reporter)
        if let signal = interrupt.received { return 128 + signal }
        return exitStatus()
    }

    /// Works through the jobs in order, at most `concurrency` at once, counting each as done. A signal cancels
    /// the work: the jobs still to come run cancelled, so that each answers its requests (as cancelled) at once.
    private func workThrough(_ jobs: [Job], interrupt: Interrupt, _ work: @escaping @Sendable (Job) async -> Void) async {
        let limit = concurrency, counts = self.counts
        let worker = Task {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for job in jobs {
                    if running >= limit {
                        await group.next()
                        running -= 1
                    }
                    group.addTask {
                        await work(job)
                        counts.update { $0.filesDone += 1 }
                    }
                    running += 1
                }
            }
        }
        interrupt.onSignal { worker.cancel() }
        await worker.value
    }

    /// Runs the planning as a task that a signal cancels: signals are heard from the first moment, while a
    /// folder of thousands of files is being opened too.
    private func planCancellably(interrupt: Interrupt, _ plan: @escaping @Sendable () async -> [Job]?) async -> [Job]? {
        let planning = Task { await plan() }
        interrupt.onSignal { planning.cancel() }
        return await planning.value
    }
}
