//! The ETRN argument parser and the server's ETRN handling never panic, whatever the
//! argument; what they accept is a well-formed target.

#![cfg(not(target_arch = "wasm32"))]

use esmtp_playground::protocol::Domain;
use esmtp_playground::server::{
    parse_etrn_argument, EtrnTarget, ExtensionSwitches, HostInputs, Peer, Server, ServerConfig,
};
use proptest::prelude::*;

proptest! {
    #[test]
    fn parser_never_panics_and_accepts_only_well_formed_targets(argument in any::<String>()) {
        match parse_etrn_argument(&argument) {
            Ok(EtrnTarget::Domain(name) | EtrnTarget::WithSubdomains(name)) => {
                prop_assert!(Domain::parse(&name).is_ok());
                prop_assert_eq!(name.to_ascii_lowercase(), name);
            }
            Ok(EtrnTarget::Queue(name)) => {
                prop_assert!(!name.is_empty() && name.len() <= 255);
                prop_assert!(name.bytes().all(|b| b.is_ascii_graphic()));
            }
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    #[test]
    fn etrn_shaped_arguments_never_panic(argument in "[@#]?[a-zA-Z0-9.\\-_#@ ]{0,80}") {
        let _ = parse_etrn_argument(&argument);
    }

    #[test]
    fn the_server_answers_every_etrn_line(argument in proptest::collection::vec(any::<u8>(), 0..600)) {
        let config = ServerConfig {
            extensions: ExtensionSwitches { etrn: true, ..ExtensionSwitches::default() },
            ..ServerConfig::default()
        };
        let mut server = Server::new(config, Peer { address: "192.0.2.1".into() }, 0, 1);
        server.set_host_inputs(HostInputs {
            held_domains: vec!["dialup.example".into()],
            outbound_queue: [("dialup.example".to_owned(), 1)].into_iter().collect(),
            ..HostInputs::default()
        });
        server.receive(b"EHLO c.example\r\n", 0);
        server.take_output();
        let mut line = b"ETRN ".to_vec();
        line.extend(argument.iter().filter(|b| **b != b'\n'));
        line.extend_from_slice(b"\r\n");
        server.receive(&line, 0);
        let output = server.take_output();
        prop_assert!(output.ends_with(b"\r\n"));
        prop_assert!(output.len() <= 1024);
        server.receive(b"NOOP\r\n", 0);
        prop_assert!(server.take_output().starts_with(b"250"), "the session goes on");
    }
}
