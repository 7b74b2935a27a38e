/// Bounds on what `XMLDocumentReader` accepts, so a hostile document costs little memory and time before it is refused.
public struct XMLLimits: Sendable {
    /// The whole input, checked before anything is read.
    public var maximumBytes: Int
    /// Open elements at once, checked at each start tag, so deep nesting fails at this depth and not later.
    public var maximumDepth: Int
    /// Elements in the whole document.
    public var maximumNodes: Int
    /// Attributes on one element, namespace declarations included.
    public var maximumAttributes: Int
    /// Bytes in one element or attribute name, prefix included.
    public var maximumNameLength: Int

    public init(
        maximumBytes: Int = 1 << 20, maximumDepth: Int = 32, maximumNodes: Int = 20_000, maximumAttributes: Int = 32,
        maximumNameLength: Int = 256
    ) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
        self.maximumAttributes = maximumAttributes
        self.maximumNameLength = maximumNameLength
    }
}
