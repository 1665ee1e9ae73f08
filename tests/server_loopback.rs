//! The server's deliveries reach the mail store of the loopback timeline.

use esmtp_playground::loopback::{run, Scenario};

#[test]
fn delivered_copy_lands_in_the_mailbox() {
    let timeline = run(&Scenario::default()).unwrap();
    let store = timeline.mailstore();
    let mailbox = store.mailbox("bob@example.org");
    assert_eq!(mailbox.len(), 1);
    assert_eq!(mailbox[0].id, timeline.deliveries[0].id);
    assert!(mailbox[0]
        .text
        .starts_with("Received: from client.example.net"));
    assert!(store.outbound.is_empty());
}
