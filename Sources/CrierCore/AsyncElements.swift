/// An array's elements as an async sequence, one `next()` at a time: rows already in memory where
/// an API takes a stream (an import's rows, a test's chunks).
public struct AsyncElements<Element: Sendable>: AsyncSequence, Sendable {
    public let elements: [Element]

    public init(_ elements: [Element]) { self.elements = elements }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var rest: ArraySlice<Element>
        public mutating func next() async throws -> Element? { rest.popFirst() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rest: elements[...]) }
}
