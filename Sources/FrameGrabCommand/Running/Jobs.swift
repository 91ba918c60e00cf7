import Foundation
import FrameGrab

/// Works through a run's jobs (one per input) in order, at most `limit` at once, counting each as done in
/// `counts`. A signal cancels the work: the jobs still to come run cancelled, so that each answers its
/// requests (as cancelled) at once.
func workThrough<Job: Sendable>(_ jobs: [Job], limit: Int, counts: RunCounts, interrupt: Interrupt,
                                _ work: @escaping @Sendable (Job) async -> Void) async {
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

/// Runs a run's planning as a task that a signal cancels: signals are heard from the first moment, while
/// a folder of thousands of files is being opened too.
func planCancellably<Plan: Sendable>(interrupt: Interrupt, _ plan: @escaping @Sendable () async -> Plan) async -> Plan {
    let planning = Task { await plan() }
    interrupt.onSignal { planning.cancel() }
    return await planning.value
}
