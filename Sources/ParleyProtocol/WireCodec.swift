import Foundation

/// A line the server sends: the reply to a request, or an event.
public enum ServerFrame: Sendable, Hashable {
    case reply(Reply)
    case event(ServerEvent)
}

/// Encodes and decodes single JSON frames (one line each, without the newline).
///
/// Dates travel as ISO 8601 strings in UTC. Encoders and decoders are cached per instance; use one
/// `WireCodec` per thread or connection (it is cheap).
public struct WireCodec {
    private let encoder: JSONEncoder
    private let decoder: JSONDecoder

    public init() {
        encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
    }

    /// The JSON bytes of `value`, followed by a newline.
    public func line<T: Encodable>(_ value: T) -> Data {
        do {
            var data = try encoder.encode(value)
            data.append(0x0A)
            return data
        } catch {
            // Our own frame types are plain values and always encode; a failure here is a programming error.
            preconditionFailure("encoding a protocol frame failed: \(error)")
        }
    }

    public func line(_ frame: ServerFrame) -> Data {
        switch frame {
        case .reply(let reply): line(reply)
        case .event(let event): line(event)
        }
    }

    /// Decodes a request line, or says which error reply it deserves.
    public func decodeRequest<Bytes: DataProtocol>(_ bytes: Bytes) -> Result<Request, RequestDecodingFailure> {
        let data = Data(bytes)
        do {
            return .success(try decoder.decode(Request.self, from: data))
        } catch let unknown as UnknownOperation {
            return .failure(
                RequestDecodingFailure(id: salvageID(data), code: .invalidCommand, detail: "unknown op \(unknown.op)"))
        } catch {
            return .failure(
                RequestDecodingFailure(
                    id: salvageID(data), code: .malformedRequest, detail: Self.describe(error, of: data)))
        }
    }

    /// Decodes a line the server sent (client side).
    public func decodeServerFrame<Bytes: DataProtocol>(_ bytes: Bytes) throws -> ServerFrame {
        let data = Data(bytes)
        let probe = try decoder.decode(FrameProbe.self, from: data)
        if probe.event != nil {
            return .event(try decoder.decode(ServerEvent.self, from: data))
        }
        return .reply(try decoder.decode(Reply.self, from: data))
    }

    /// What a client makes of a line it cannot decode (say, a reply with a field a newer server changed): when
    /// the line is a reply with an `id`, a failed reply to that request, so the request still gets its answer
    /// and the client does not wait for it forever; otherwise `nil` (an event it does not know is skipped).
    public func unreadableReply<Bytes: DataProtocol>(_ bytes: Bytes) -> Reply? {
        let data = Data(bytes)
        guard (try? decoder.decode(FrameProbe.self, from: data))?.event == nil, let id = salvageID(data) else {
            return nil
        }
        return Reply.failure(id, .unrecognized)
    }

    /// The `id` of a request that failed to decode, so the error reply can still name it.
    private func salvageID(_ data: Data) -> RequestID? {
        (try? decoder.decode(IDProbe.self, from: data))?.id
    }

    private static func describe(_ error: any Error, of data: Data) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            context.codingPath.isEmpty
                ? "not a JSON object" : "wrong type for \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted:
            // Foundation says "not valid JSON", naming no field, also of valid JSON with a number that is not a
            // whole one (or too large) where a whole one belongs: read again (only on this error path) to name it.
            fieldWithNumberNotWhole(in: data).map { "wrong type for \($0)" } ?? "not valid JSON"
        default: "not a request"
        }
    }

    private static func fieldWithNumberNotWhole(in data: Data) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        return object.compactMap { key, value -> String? in
            guard let number = value as? NSNumber, !(value is Bool) else { return nil }
            let double = number.doubleValue
            let whole = double == double.rounded() && abs(double) < 9.2e18
            return whole ? nil : key
        }.min()
    }

    private struct IDProbe: Decodable { var id: RequestID? }
    private struct FrameProbe: Decodable { var event: String? }
}

/// Why a request line could not be decoded, and the id to answer it with, if one could be read.
public struct RequestDecodingFailure: Error, Sendable, Hashable {
    public var id: RequestID?
    public var code: ErrorCode
    public var detail: String

    /// The reply a server sends for this failure.
    public var reply: Reply {
        let text = code == .malformedRequest ? "\(code.text()): \(detail)" : code.text()
        return Reply(id: id, ok: false, error: ErrorBody(code: code, message: text))
    }
}
