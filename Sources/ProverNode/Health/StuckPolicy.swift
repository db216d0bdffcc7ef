/// When a job counts as stuck: its progress has not advanced (see `JobTable.Job.lastProgress`) for longer
/// than the larger of `minimumSeconds` and `predictedMultiple` times the seconds that the node's
/// calibration predicts for a whole job of its class. The multiple is there because a worker reports
/// progress only between stages, so a large job's longest stage (an MSM) is rightly silent for a good
/// part of its predicted time; the floor is there because predictions of small jobs are a second or less.
public struct StuckPolicy: Sendable, Equatable {
    /// The shortest silence that makes a job stuck (default 60 s).
    public var minimumSeconds: Double
    /// The silence, in predicted job times, that makes a job stuck when that is longer (default 3).
    public var predictedMultiple: Double

    public init(minimumSeconds: Double = 60, predictedMultiple: Double = 3) {
        self.minimumSeconds = minimumSeconds
        self.predictedMultiple = predictedMultiple
    }

    /// The seconds without progress after which a job whose class is predicted to take `predictedSeconds`
    /// (nil when its class was not calibrated) is stuck.
    public func threshold(predictedSeconds: Double?) -> Double {
        guard let predictedSeconds, predictedSeconds.isFinite, predictedSeconds > 0 else { return minimumSeconds }
        return max(minimumSeconds, predictedMultiple * predictedSeconds)
    }
}
