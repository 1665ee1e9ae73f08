//! pcap and pcapng captures of a cleartext SMTP session: packets parsed with
//! `pcap-parser` and `etherparse`, each connection's two directions reassembled
//! ([`super::tcp`]), then split into lines numbered by the packet that completed them.
//! After a `220` to STARTTLS the rest is TLS: shown as opaque records, not decoded.

use std::collections::BTreeMap;
use std::net::IpAddr;

use etherparse::{NetSlice, SlicedPacket, TransportSlice};
use pcap_parser::pcapng::Block;
use pcap_parser::{Linktype, PcapBlockOwned};
use serde::Serialize;

use super::line::{split_wire, Ending, Origin, Side, WireLine};
use super::tcp::{self, Endpoint, Segment};
use super::tls_records::TlsStream;
use super::AnalyzeError;

/// Ports SMTP servers listen on, to tell client from server when the SYN is missing.
const SMTP_PORTS: [u16; 4] = [25, 587, 2525, 465];
/// Most connections kept from one capture (memory bound).
const MAX_CONNECTIONS: usize = 1000;

/// One TCP connection in a capture.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// 1-based, in order of first packet.
    pub index: usize,
    /// `address:port` of the client.
    pub client: String,
    /// `address:port` of the server.
    pub server: String,
    /// Packets of this connection.
    pub packets: usize,
}

/// The lines of the chosen connection, and every connection found.
#[derive(Clone, Debug, Default)]
pub struct Capture {
    /// The chosen connection's lines.
    pub lines: Vec<WireLine>,
    /// Every TCP connection in the capture.
    pub connections: Vec<Connection>,
    /// The chosen one (1-based).
    pub chosen: usize,
    /// Packets after which the capture misses octets.
    pub gaps: Vec<usize>,
    /// The capture ended inside a packet.
    pub truncated: bool,
}

#[derive(Default)]
struct Flow {
    first_packet: usize,
    a: Option<Endpoint>,
    from_a: Vec<Segment>,
    from_b: Vec<Segment>,
    a_opened: Option<bool>,
    b: Option<Endpoint>,
}

/// Reads a capture and the lines of connection `choice` (1-based; `None`: the first
/// one that carries data).
pub fn read(octets: &[u8], choice: Option<usize>) -> Result<Capture, AnalyzeError> {
    let (flows, truncated) = flows(octets)?;
    let connections: Vec<Connection> = flows
        .iter()
        .enumerate()
        .map(|(i, flow)| describe(i + 1, flow))
        .collect();
    let chosen = match choice {
        Some(index) if index >= 1 && index <= flows.len() => index,
        Some(index) => {
            return Err(AnalyzeError::BadCapture(format!(
                "there is no connection {index}; the capture has {}",
                flows.len()
            )))
        }
        None => flows
            .iter()
            .position(|f| {
                !f.from_a
                    .iter()
                    .chain(&f.from_b)
                    .all(|s| s.payload.is_empty())
            })
            .map_or(1, |i| i + 1),
    };
    let Some(flow) = flows.get(chosen - 1) else {
        return Err(AnalyzeError::BadCapture(
            "no TCP connection in the capture".into(),
        ));
    };
    let client_is_a = client_is_a(flow);
    let (client, server) = if client_is_a {
        (&flow.from_a, &flow.from_b)
    } else {
        (&flow.from_b, &flow.from_a)
    };
    let client = tcp::reassemble(client);
    let server = tcp::reassemble(server);
    let mut gaps: Vec<usize> = client.gaps.iter().chain(&server.gaps).copied().collect();
    gaps.sort_unstable();
    Ok(Capture {
        lines: lines(tcp::merge(client, server)),
        connections,
        chosen,
        gaps,
        truncated,
    })
}

fn describe(index: usize, flow: &Flow) -> Connection {
    let show =
        |e: Option<Endpoint>| e.map_or_else(String::new, |(ip, port)| format!("{ip}:{port}"));
    let (client, server) = if client_is_a(flow) {
        (show(flow.a), show(flow.b))
    } else {
        (show(flow.b), show(flow.a))
    };
    Connection {
        index,
        client,
        server,
        packets: flow.from_a.len() + flow.from_b.len(),
    }
}

/// The side that sent the first SYN is the client; without one, the side not on an
/// SMTP port.
fn client_is_a(flow: &Flow) -> bool {
    if let Some(a_opened) = flow.a_opened {
        return a_opened;
    }
    let b_port = flow.b.map_or(0, |(_, port)| port);
    SMTP_PORTS.contains(&b_port) || !SMTP_PORTS.contains(&flow.a.map_or(0, |(_, port)| port))
}

/// Every TCP connection's segments, keyed by its two endpoints.
fn flows(octets: &[u8]) -> Result<(Vec<Flow>, bool), AnalyzeError> {
    let mut flows: Vec<Flow> = Vec::new();
    let mut index: BTreeMap<(Endpoint, Endpoint), usize> = BTreeMap::new();
    let mut truncated = false;
    let mut packet = 0;
    for frame in frames(octets, &mut truncated)? {
        packet += 1;
        let Some((source, destination, segment)) = tcp_segment(frame.linktype, frame.data, packet)
        else {
            continue;
        };
        let key = if source <= destination {
            (source, destination)
        } else {
            (destination, source)
        };
        let slot = match index.get(&key) {
            Some(slot) => *slot,
            None if flows.len() < MAX_CONNECTIONS => {
                index.insert(key, flows.len());
                flows.push(Flow {
                    first_packet: packet,
                    a: Some(source),
                    b: Some(destination),
                    ..Flow::default()
                });
                flows.len() - 1
            }
            None => continue,
        };
        let Some(flow) = flows.get_mut(slot) else {
            continue;
        };
        let from_a = flow.a == Some(source);
        if segment.syn && flow.a_opened.is_none() {
            flow.a_opened = Some(from_a);
        }
        if from_a {
            flow.from_a.push(segment);
        } else {
            flow.from_b.push(segment);
        }
    }
    flows.sort_by_key(|f| f.first_packet);
    if flows.is_empty() {
        return Err(AnalyzeError::BadCapture(
            "the capture holds no TCP packet".into(),
        ));
    }
    Ok((flows, truncated))
}

struct Frame<'a> {
    linktype: Linktype,
    data: &'a [u8],
}

/// The packets of a pcap or pcapng file, stopping at the first damaged block.
fn frames<'a>(octets: &'a [u8], truncated: &mut bool) -> Result<Vec<Frame<'a>>, AnalyzeError> {
    let mut frames = Vec::new();
    if octets.get(..4) == Some(&[0x0a, 0x0d, 0x0d, 0x0a]) {
        let slice = pcap_parser::PcapNGSlice::from_slice(octets)
            .map_err(|_| AnalyzeError::BadCapture("the pcapng section header is damaged".into()))?;
        let mut linktypes = Vec::new();
        for block in slice {
            match block {
                Ok(PcapBlockOwned::NG(Block::InterfaceDescription(idb))) => {
                    linktypes.push(idb.linktype)
                }
                Ok(PcapBlockOwned::NG(Block::EnhancedPacket(epb))) => {
                    let linktype = usize::try_from(epb.if_id)
                        .ok()
                        .and_then(|i| linktypes.get(i).copied())
                        .unwrap_or(Linktype::ETHERNET);
                    frames.push(Frame {
                        linktype,
                        data: epb.data,
                    });
                }
                Ok(PcapBlockOwned::NG(Block::SimplePacket(spb))) => frames.push(Frame {
                    linktype: linktypes.first().copied().unwrap_or(Linktype::ETHERNET),
                    data: spb.data,
                }),
                Ok(_) => {}
                Err(_) => {
                    *truncated = true;
                    break;
                }
            }
        }
    } else {
        legacy_frames(octets, &mut frames, truncated)?;
    }
    Ok(frames)
}

/// The packets of a classic pcap file, in the byte order its magic number says:
/// `LegacyPcapSlice` reads every record header little-endian, so a file written on a
/// big-endian machine is read record by record here.
fn legacy_frames<'a>(
    octets: &'a [u8],
    frames: &mut Vec<Frame<'a>>,
    truncated: &mut bool,
) -> Result<(), AnalyzeError> {
    let (mut rest, header) = pcap_parser::parse_pcap_header(octets)
        .map_err(|_| AnalyzeError::BadCapture("the pcap file header is damaged".into()))?;
    let linktype = header.network;
    let parse = if header.is_modified_format() {
        pcap_parser::parse_pcap_frame_modified
    } else if header.is_bigendian() {
        pcap_parser::parse_pcap_frame_be
    } else {
        pcap_parser::parse_pcap_frame
    };
    while !rest.is_empty() {
        match parse(rest) {
            Ok((next, frame)) => {
                frames.push(Frame {
                    linktype,
                    data: frame.data,
                });
                rest = next;
            }
            Err(_) => {
                *truncated = true;
                break;
            }
        }
    }
    Ok(())
}

/// The TCP segment in a link-layer frame, with its endpoints.
fn tcp_segment(
    linktype: Linktype,
    data: &[u8],
    packet: usize,
) -> Option<(Endpoint, Endpoint, Segment)> {
    let sliced = match linktype {
        Linktype::ETHERNET => SlicedPacket::from_ethernet(data).ok()?,
        Linktype::LINUX_SLL => SlicedPacket::from_linux_sll(data).ok()?,
        Linktype::NULL | Linktype::LOOP => SlicedPacket::from_ip(data.get(4..)?).ok()?,
        _ => SlicedPacket::from_ip(data).ok()?,
    };
    let (source, destination): (IpAddr, IpAddr) = match sliced.net? {
        NetSlice::Ipv4(ip) => (
            ip.header().source_addr().into(),
            ip.header().destination_addr().into(),
        ),
        NetSlice::Ipv6(ip) => (
            ip.header().source_addr().into(),
            ip.header().destination_addr().into(),
        ),
        NetSlice::Arp(_) => return None,
    };
    let TransportSlice::Tcp(tcp) = sliced.transport? else {
        return None;
    };
    let segment = Segment {
        packet,
        seq: tcp.sequence_number(),
        syn: tcp.syn() && !tcp.ack(),
        payload: tcp.payload().to_vec(),
    };
    Some((
        (source, tcp.source_port()),
        (destination, tcp.destination_port()),
        segment,
    ))
}

/// Splits the merged chunks into lines per direction; after a `220` to STARTTLS every
/// further octet is framed as TLS records ([`TlsStream`]).
fn lines(merged: Vec<(bool, tcp::Chunk)>) -> Vec<WireLine> {
    let mut out = Vec::new();
    let mut pending: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    let mut last_packet = [0usize; 2];
    let mut starttls_sent = false;
    let mut tls: Option<[TlsStream; 2]> = None;
    for (from_client, chunk) in merged {
        let side_index = usize::from(!from_client);
        if let Some(streams) = &mut tls {
            if let Some(stream) = streams.get_mut(side_index) {
                out.extend(stream.take(chunk.packet, &chunk.octets));
            }
            continue;
        }
        let side = side_of(side_index);
        let buffer = &mut pending[side_index];
        let before = buffer.len();
        buffer.extend_from_slice(&chunk.octets);
        last_packet[side_index] = chunk.packet;
        // Only the new octets are searched, so a line that never ends stays linear.
        let complete = chunk
            .octets
            .iter()
            .rposition(|&o| o == b'\n')
            .map_or(0, |at| before + at + 1);
        let whole: Vec<u8> = buffer.drain(..complete).collect();
        let mut consumed = 0;
        let mut encrypted = false;
        for (text, ending) in split_wire(&whole) {
            consumed += text.len() + ending_length(ending);
            if from_client {
                starttls_sent = text.eq_ignore_ascii_case(b"STARTTLS");
            } else if starttls_sent && text.starts_with(b"220") {
                encrypted = true;
            }
            out.push(WireLine {
                n: chunk.packet,
                side,
                octets: text,
                ending,
                origin: Origin::Logged,
            });
            if encrypted {
                break;
            }
        }
        if encrypted {
            // Whatever either side sent after the 220 is TLS already.
            let after = whole.get(consumed..).unwrap_or_default();
            pending[side_index].splice(..0, after.iter().copied());
            let mut streams = [TlsStream::new(Side::Client), TlsStream::new(Side::Server)];
            for (stream, rest) in streams.iter_mut().zip(pending.iter_mut()) {
                out.extend(stream.take(chunk.packet, rest));
                rest.clear();
            }
            tls = Some(streams);
        }
    }
    match &mut tls {
        Some(streams) => out.extend(streams.iter_mut().filter_map(TlsStream::finish)),
        None => {
            for (index, rest) in pending.iter().enumerate() {
                if !rest.is_empty() {
                    out.push(WireLine {
                        n: last_packet[index],
                        side: side_of(index),
                        octets: rest.clone(),
                        ending: Ending::Missing,
                        origin: Origin::Logged,
                    });
                }
            }
        }
    }
    out
}

fn ending_length(ending: Ending) -> usize {
    match ending {
        Ending::CrLf => 2,
        Ending::BareLf => 1,
        Ending::Missing | Ending::Unknown => 0,
    }
}

fn side_of(index: usize) -> Side {
    if index == 0 {
        Side::Client
    } else {
        Side::Server
    }
}
