/// A progress bar drawn once the total is known: a rebuild counts its entries first, an import
/// knows how many rows it will write only after checking them all. Nothing is drawn before.
public final class LazyProgress: @unchecked Sendable {
    let context: CommandContext
    let label: String
    // Touched only from the command's own task, one call at a time.
    var bar: ProgressBar?
    var done = 0

    init(context: CommandContext, label: String) {
        self.context = context
        self.label = label
    }

    /// `done` of `total` steps so far (cumulative, as both callers hear it).
    public func update(done: Int, total: Int) {
        let bar = self.bar ?? context.progress(label, total: total)
        self.bar = bar
        bar.advance(by: done - self.done)
        self.done = done
    }

    public func finish() { bar?.finish() }
}

extension CommandContext {
    /// A progress bar on standard error for `label`, made at the first `update`.
    public func lazyProgress(_ label: String) -> LazyProgress { LazyProgress(context: self, label: label) }
}
