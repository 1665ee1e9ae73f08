//! Which of the page's engine modules can run a scenario. The page loads three builds of
//! this crate (scripts/lib/setup.sh): the first view's module leaves out TLS and the
//! optional SASL mechanisms ([`Mechanism::is_optional`]), the full module has those
//! mechanisms, and the TLS module has both. The page asks the engine it has, so the rule
//! lives here once.

use super::Scenario;
use crate::sasl::Mechanism;

/// The smallest of the page's engine modules that runs a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineModule {
    /// The first view's module: every engine, the mechanisms the default server offers.
    FirstView,
    /// The full module: also SCRAM, XOAUTH2 and OAUTHBEARER (feature `scram-oauth`).
    Full,
    /// The TLS module: TLS in the loopback, and every mechanism.
    Tls,
}

impl EngineModule {
    /// The name the page reads: `"first"`, `"full"` or `"tls"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::FirstView => "first",
            Self::Full => "full",
            Self::Tls => "tls",
        }
    }
}

impl Scenario {
    /// Which module runs the scenario: the TLS module when it uses TLS, else the full
    /// module when it needs an optional mechanism ([`Scenario::optional_mechanism`]),
    /// else the first view's.
    pub fn module(&self) -> EngineModule {
        if self.uses_tls() {
            EngineModule::Tls
        } else if self.optional_mechanism().is_some() {
            EngineModule::Full
        } else {
            EngineModule::FirstView
        }
    }

    /// An optional mechanism the run may use: the one the client names, else the first
    /// the server offers (a client on "auto", or a script, may pick it).
    pub fn optional_mechanism(&self) -> Option<Mechanism> {
        let named = self
            .client
            .auth
            .as_ref()
            .and_then(|auth| Mechanism::parse(&auth.mechanism));
        let offered = self.server.auth.mechanisms.iter().copied();
        named
            .into_iter()
            .chain(offered)
            .find(|mechanism| mechanism.is_optional())
    }

    /// The optional mechanism the run may use that this build leaves out, if any: then
    /// [`super::run`] refuses the scenario.
    pub(crate) fn unbuilt_mechanism(&self) -> Option<Mechanism> {
        self.optional_mechanism()
            .filter(|mechanism| !mechanism.is_built())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::sasl_exchange::AuthSpec;

    fn offering(mechanisms: &[Mechanism]) -> Scenario {
        let mut scenario = Scenario::default();
        scenario.server.auth.mechanisms = mechanisms.to_vec();
        scenario
    }

    fn naming(mechanism: &str) -> Scenario {
        let mut scenario = Scenario::default();
        scenario.client.auth = Some(AuthSpec {
            mechanism: mechanism.into(),
            ..AuthSpec::default()
        });
        scenario
    }

    #[test]
    fn the_default_scenario_runs_in_the_first_view_module() {
        assert_eq!(Scenario::default().module(), EngineModule::FirstView);
        assert_eq!(naming("auto").module(), EngineModule::FirstView);
        assert_eq!(naming("DIGEST-MD5").module(), EngineModule::FirstView);
    }

    #[test]
    fn an_offered_optional_mechanism_needs_the_full_module() {
        let scenario = offering(&[Mechanism::Plain, Mechanism::ScramSha256]);
        assert_eq!(scenario.optional_mechanism(), Some(Mechanism::ScramSha256));
        assert_eq!(scenario.module(), EngineModule::Full);
        assert_eq!(offering(&[Mechanism::Xoauth2]).module(), EngineModule::Full);
    }

    #[test]
    fn a_named_optional_mechanism_needs_the_full_module() {
        let scenario = naming("oauthbearer");
        assert_eq!(scenario.optional_mechanism(), Some(Mechanism::OAuthBearer));
        assert_eq!(scenario.module(), EngineModule::Full);
        assert_eq!(naming("SCRAM-SHA-1").module(), EngineModule::Full);
    }

    #[test]
    fn the_named_mechanism_comes_before_the_offered_ones() {
        let mut scenario = naming("SCRAM-SHA-256");
        scenario.server.auth.mechanisms = vec![Mechanism::ScramSha1, Mechanism::ScramSha256];
        assert_eq!(scenario.optional_mechanism(), Some(Mechanism::ScramSha256));
    }

    #[test]
    fn tls_wins_over_an_optional_mechanism() {
        let mut scenario = offering(&[Mechanism::ScramSha1]);
        scenario.implicit_tls = true;
        assert_eq!(scenario.module(), EngineModule::Tls);
    }

    #[test]
    fn names_are_the_pages() {
        let names = [
            EngineModule::FirstView,
            EngineModule::Full,
            EngineModule::Tls,
        ]
        .map(EngineModule::name);
        assert_eq!(names, ["first", "full", "tls"]);
    }

    #[test]
    fn this_build_runs_every_mechanism_a_scenario_may_use() {
        // Native tests build with default features, `scram-oauth` among them.
        assert_eq!(offering(&Mechanism::ALL).unbuilt_mechanism(), None);
    }
}
