//! The states a swarm manager reports, typed at the adapter's edge so that
//! nothing above compares their spelling.

/// Where a task is in its life. A task with a health check stays
/// `Starting` until it is healthy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskPhase {
    New,
    Pending,
    Assigned,
    Accepted,
    Preparing,
    Ready,
    Starting,
    Running,
    Complete,
    Shutdown,
    Failed,
    Rejected,
    Remove,
    Orphaned,
    /// A state this version of exo does not know, or none.
    Unknown,
}

impl TaskPhase {
    const ALL: [(TaskPhase, &'static str); 14] = [
        (TaskPhase::New, "new"),
        (TaskPhase::Pending, "pending"),
        (TaskPhase::Assigned, "assigned"),
        (TaskPhase::Accepted, "accepted"),
        (TaskPhase::Preparing, "preparing"),
        (TaskPhase::Ready, "ready"),
        (TaskPhase::Starting, "starting"),
        (TaskPhase::Running, "running"),
        (TaskPhase::Complete, "complete"),
        (TaskPhase::Shutdown, "shutdown"),
        (TaskPhase::Failed, "failed"),
        (TaskPhase::Rejected, "rejected"),
        (TaskPhase::Remove, "remove"),
        (TaskPhase::Orphaned, "orphaned"),
    ];

    /// The Engine API's word for it.
    pub fn parse(word: &str) -> TaskPhase {
        Self::ALL
            .iter()
            .find(|(_, name)| *name == word)
            .map_or(TaskPhase::Unknown, |(phase, _)| *phase)
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(phase, _)| *phase == self)
            .map_or("unknown", |(_, name)| name)
    }

    /// The task ended without running as asked.
    pub fn failed(self) -> bool {
        matches!(self, TaskPhase::Failed | TaskPhase::Rejected)
    }
}

/// Whether a node takes part in the swarm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeStatus {
    Ready,
    Down,
    Disconnected,
    Unknown,
}

impl NodeStatus {
    /// The Engine API's word for it.
    pub fn parse(word: &str) -> NodeStatus {
        match word {
            "ready" => NodeStatus::Ready,
            "down" => NodeStatus::Down,
            "disconnected" => NodeStatus::Disconnected,
            _ => NodeStatus::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for (phase, name) in TaskPhase::ALL {
            assert_eq!(TaskPhase::parse(name), phase);
            assert_eq!(phase.name(), name);
        }
        assert_eq!(TaskPhase::parse("busy"), TaskPhase::Unknown);
        assert!(TaskPhase::Rejected.failed() && !TaskPhase::Running.failed());
        assert_eq!(NodeStatus::parse("ready"), NodeStatus::Ready);
        assert_eq!(NodeStatus::parse(""), NodeStatus::Unknown);
    }
}
