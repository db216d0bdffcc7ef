// The messages are generated into a module of their own (`ProverNetMessages`, SwiftProtobuf only, so that the
// fuzz targets can decode them without grpc and NIO); whoever imports the API sees them as before.
@_exported import ProverNetMessages
