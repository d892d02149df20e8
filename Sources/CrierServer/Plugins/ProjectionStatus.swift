/// What each plugin projection is doing, for `/admin/plugins`: shared by its runner and the page.
public actor ProjectionStatus {
    public enum State: Sendable, Equatable {
        case starting
        /// Reading history after being enabled on a database that has some (or after a rebuild).
        case backfilling(done: Int, total: Int)
        case live
        /// The last batch failed; it is retried on the next pass.
        case failing(String)
    }

    private var states: [String: State] = [:]

    func set(_ plugin: String, _ projection: String, _ state: State) {
        states[plugin + "/" + projection] = state
    }

    public func state(_ plugin: String, _ projection: String) -> State {
        states[plugin + "/" + projection] ?? .starting
    }
}
