import Foundation
import HookcastTestSupport
import NIOHTTP1

/// The few plain HTTP calls the set-up makes (admin API, readiness); the load itself goes through `LoadGenerator`.
enum BenchHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func request(
        _ method: String, _ url: String, headers: [String: String] = [:], json: Any? = nil, timeout: Double = 120
    ) async throws -> (status: Int, body: Data) {
        let body = try json.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
        return try await request(method, url, headers: headers, jsonBody: body, timeout: timeout)
    }

    /// `request` with the JSON already serialized, for calls whose own time is measured.
    static func request(
        _ method: String, _ url: String, headers: [String: String] = [:], jsonBody body: [UInt8]?,
        timeout: Double = 120
    ) async throws -> (status: Int, body: Data) {
        guard let target = URLComponents(string: url), target.scheme == "http", let host = target.host,
            let port = target.port
        else { throw Failure(description: "bad URL \(url)") }
        var fields = headers.map { ($0.key, $0.value) }
        if body != nil { fields.append(("Content-Type", "application/json")) }
        let path = target.percentEncodedPath.isEmpty ? "/" : target.percentEncodedPath
        let response = try await OneShotHTTP.send(
            method: HTTPMethod(rawValue: method), host: host, port: port,
            target: path + (target.percentEncodedQuery.map { "?" + $0 } ?? ""), headers: fields, body: body,
            timeout: .milliseconds(Int64(timeout * 1000)))
        return (response.status, Data(response.body))
    }

    /// Calls and insists on a 2xx answer; returns the JSON object it answered.
    @discardableResult
    static func expectSuccess(
        _ method: String, _ url: String, headers: [String: String] = [:], json: Any? = nil
    ) async throws -> [String: Any] {
        let (status, body) = try await request(method, url, headers: headers, json: json)
        guard (200..<300).contains(status) else {
            throw Failure(description: "\(method) \(url) answered \(status): \(String(decoding: body, as: UTF8.self))")
        }
        guard !body.isEmpty else { return [:] }
        return (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:]
    }

    /// Polls until something listens and answers `path` with 200.
    static func waitUntilReady(
        port: Int, path: String = "/readyz", process: BenchProcess, limit: Duration = .seconds(60)
    )
        async throws
    {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw Failure(description: "\(process.name) exited:\n\(process.tail())")
            }
            if let (status, _) = try? await request("GET", "http://127.0.0.1:\(port)\(path)", timeout: 2),
                status == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "\(process.name) not ready on port \(port) after \(limit):\n\(process.tail())")
    }

    /// Polls until a TCP connection to the port succeeds (peers that have no readiness route).
    static func waitUntilListening(port: Int, process: BenchProcess, limit: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw Failure(description: "\(process.name) exited:\n\(process.tail())")
            }
            if FreePort.isListening(port: port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw Failure(description: "\(process.name) not listening on port \(port) after \(limit):\n\(process.tail())")
    }
}
