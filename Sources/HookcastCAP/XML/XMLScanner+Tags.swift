extension XMLScanner {
    mutating func readStartTag() throws(XMLReadError) {
        let start = index
        guard open.count < limits.maximumDepth else {
            throw error(.tooDeep, "elements are nested more than \(limits.maximumDepth) deep", at: start)
        }
        elementCount += 1
        guard elementCount <= limits.maximumNodes else {
            throw error(.tooManyNodes, "the document has more than \(limits.maximumNodes) elements", at: start)
        }
        guard root == nil || !open.isEmpty else {
            throw error(.malformed, "a second root element", at: start)
        }
        index += 1
        let qualifiedName = try readName()
        var attributes: [(name: String, value: String, offset: Int)] = []
        var selfClosing = false
        while true {
            let hadSpace = skipWhitespace()
            guard index < bytes.count else {
                throw error(
                    .malformed, "the start tag <\(XMLReadError.excerpt(qualifiedName))> is not closed", at: start)
            }
            if bytes[index] == UInt8(ascii: ">") {
                index += 1
                break
            }
            if hasPrefix("/>") {
                index += 2
                selfClosing = true
                break
            }
            guard hadSpace else {
                throw error(
                    .malformed, "expected whitespace, > or /> in <\(XMLReadError.excerpt(qualifiedName))>", at: index)
            }
            guard attributes.count < limits.maximumAttributes else {
                throw error(
                    .tooManyAttributes, "an element has more than \(limits.maximumAttributes) attributes", at: index)
            }
            let offset = index
            let name = try readName()
            if attributes.contains(where: { $0.name == name }) {
                throw error(.malformed, "attribute \(XMLReadError.excerpt(name)) appears twice", at: offset)
            }
            attributes.append((name, try readAttributeValue(), offset))
        }
        let mark = namespaces.mark
        try declareNamespaces(attributes)
        let element = try splitName(qualifiedName, at: start + 1)
        guard let namespace = namespaces.resolve(element.prefix) else {
            throw error(
                .malformed, "namespace prefix \(XMLReadError.excerpt(element.prefix)) is not declared", at: start)
        }
        var node = XMLNode(name: element.local, namespace: namespace)
        for attribute in attributes where !isNamespaceDeclaration(attribute.name) {
            let name = try splitName(attribute.name, at: attribute.offset)
            if !name.prefix.isEmpty, namespaces.resolve(name.prefix) == nil {
                throw error(
                    .malformed, "namespace prefix \(XMLReadError.excerpt(name.prefix)) is not declared",
                    at: attribute.offset)
            }
            guard node.attributes.updateValue(attribute.value, forKey: name.local) == nil else {
                throw error(
                    .malformed, "two attributes named \(XMLReadError.excerpt(name.local))", at: attribute.offset)
            }
        }
        open.append(OpenElement(qualifiedName: qualifiedName, node: node, namespaceMark: mark))
        if selfClosing { closeElement() }
    }

    mutating func readEndTag() throws(XMLReadError) {
        let start = index
        index += 2
        let name = try readName()
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
            throw error(.malformed, "the end tag </\(XMLReadError.excerpt(name))> is not closed with >", at: start)
        }
        index += 1
        guard let current = open.last else {
            throw error(.malformed, "end tag </\(XMLReadError.excerpt(name))> without a start tag", at: start)
        }
        guard current.qualifiedName == name else {
            throw error(
                .malformed,
                "end tag </\(XMLReadError.excerpt(name))> does not match <\(XMLReadError.excerpt(current.qualifiedName))>",
                at: start)
        }
        closeElement()
    }

    private mutating func closeElement() {
        guard var element = open.popLast() else { return }
        element.node.text = String(decoding: element.text, as: UTF8.self)
        namespaces.truncate(to: element.namespaceMark)
        if open.isEmpty {
            root = element.node
        } else {
            open[open.count - 1].node.children.append(element.node)
        }
    }

    private func isNamespaceDeclaration(_ name: String) -> Bool {
        name == "xmlns" || name.hasPrefix("xmlns:")
    }

    private mutating func declareNamespaces(
        _ attributes: [(name: String, value: String, offset: Int)]
    ) throws(XMLReadError) {
        for attribute in attributes where isNamespaceDeclaration(attribute.name) {
            if attribute.name == "xmlns" {
                namespaces.bind("", to: attribute.value.isEmpty ? nil : attribute.value)
                continue
            }
            let prefix = String(attribute.name.dropFirst("xmlns:".count))
            guard !prefix.isEmpty, !prefix.contains(":"), !attribute.value.isEmpty, prefix != "xmlns",
                (prefix == "xml") == (attribute.value == XMLNamespaceScope.xmlNamespace)
            else {
                throw error(
                    .malformed, "namespace declaration \(XMLReadError.excerpt(attribute.name)) is not allowed",
                    at: attribute.offset)
            }
            namespaces.bind(prefix, to: attribute.value)
        }
    }

    private func splitName(_ name: String, at offset: Int) throws(XMLReadError) -> (prefix: String, local: String) {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return ("", name)
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty: return (String(parts[0]), String(parts[1]))
        default:
            throw error(.malformed, "name \(XMLReadError.excerpt(name)) has a misplaced colon", at: offset)
        }
    }
}
