/// A binary heap: `top` is the element that `areInIncreasingOrder` ranks first.
struct PriorityQueue<Element>: Sendable where Element: Sendable {
    private var storage: [Element] = []
    private let areInIncreasingOrder: @Sendable (Element, Element) -> Bool

    init(by areInIncreasingOrder: @escaping @Sendable (Element, Element) -> Bool) {
        self.areInIncreasingOrder = areInIncreasingOrder
    }

    var top: Element? { storage.first }
    var isEmpty: Bool { storage.isEmpty }

    mutating func push(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard areInIncreasingOrder(storage[child], storage[parent]) else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    @discardableResult
    mutating func pop() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let element = storage.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < storage.count, areInIncreasingOrder(storage[left], storage[first]) { first = left }
            if right < storage.count, areInIncreasingOrder(storage[right], storage[first]) { first = right }
            guard first != parent else { break }
            storage.swapAt(parent, first)
            parent = first
        }
        return element
    }
}
