import GRPCCore
import SwiftProtobuf

/// Holds every message a caller sends to the network's size limit, with a typed `resourceExhausted`
/// status that says which limit.
///
/// The transport's own limit is set above this one (`transportLimit`): grpc-swift-nio-transport answers a
/// message over *its* limit by resetting the stream, which a client sees as a bare cancellation, not as a
/// status with a reason (grpc-java behaved the same before grpc/grpc-java#11065). So a message up to twice
/// the network's limit is read and refused here with a reason; only a larger one meets the bare reset.
struct MessageSizeInterceptor: ServerInterceptor {
    let maxMessageBytes: Int

    /// The limit to give the transport for a network limit of `maxMessageBytes`.
    static func transportLimit(_ maxMessageBytes: Int) -> Int {
        maxMessageBytes.multipliedReportingOverflow(by: 2).partialValue
    }

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        var request = request
        let limit = maxMessageBytes
        let method = context.descriptor.method
        let checked = request.messages.map { @Sendable (message: Input) throws -> Input in
            if let message = message as? any SwiftProtobuf.Message {
                let size = (try message.serializedBytes() as [UInt8]).count
                if size > limit {
                    throw RPCError(
                        code: .resourceExhausted,
                        message: "\(method): a message of \(size) bytes is over the network's limit of \(limit) bytes")
                }
            }
            return message
        }
        request.messages = RPCAsyncSequence(wrapping: checked)
        return try await next(request, context)
    }
}
