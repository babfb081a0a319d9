//! The channels of each generated workspace and the topics planted in them.

use crate::Provider;

/// Language of a channel's chatter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lang {
    En,
    Fr,
}

/// Who belongs to a channel and how much it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Public, everyone is a member (Slack `#general`, Mattermost `town-square`).
    Everyone,
    /// Public, about half the people, the demo user among them.
    Public,
    /// Private, the demo user is a member.
    PrivateMember,
    /// Private, the demo user is not a member: it must stay invisible to them.
    PrivateOther,
    /// Public but archived three weeks ago.
    Archived,
}

/// One channel to generate.
#[derive(Debug)]
pub(crate) struct ChannelSpec {
    pub name: &'static str,
    pub display: &'static str,
    pub purpose: &'static str,
    pub lang: Lang,
    pub kind: Kind,
    /// Phrases the channel's messages revolve around over the whole history.
    pub topics: &'static [&'static str],
    /// Phrases that appear only in the last day, often.
    pub hot: &'static [&'static str],
}

const fn spec(
    name: &'static str,
    display: &'static str,
    purpose: &'static str,
    lang: Lang,
    kind: Kind,
    topics: &'static [&'static str],
    hot: &'static [&'static str],
) -> ChannelSpec {
    ChannelSpec { name, display, purpose, lang, kind, topics, hot }
}

const SLACK: &[ChannelSpec] = &[
    spec(
        "general",
        "general",
        "Announcements for the whole institute",
        Lang::En,
        Kind::Everyone,
        &["building access", "all hands meeting", "holiday schedule"],
        &["fire drill"],
    ),
    spec(
        "microscopy",
        "microscopy",
        "Confocal and light-sheet facility",
        Lang::En,
        Kind::Public,
        &["confocal booking", "laser alignment", "image deconvolution"],
        &["objective lens damage"],
    ),
    spec(
        "sequencing-core",
        "sequencing-core",
        "Sequencing platform users",
        Lang::En,
        Kind::Public,
        &["library prep", "flow cell", "demultiplexing errors"],
        &["nanopore run failure"],
    ),
    spec(
        "hpc-cluster",
        "hpc-cluster",
        "Cluster news and help",
        Lang::En,
        Kind::Public,
        &["slurm queue", "gpu nodes", "scratch quota"],
        &["storage outage"],
    ),
    spec(
        "journal-club",
        "journal-club",
        "Papers we read on Thursdays",
        Lang::En,
        Kind::Public,
        &["protein folding", "single cell atlas", "crispr screens"],
        &["alphafold benchmark"],
    ),
    spec(
        "labo-paris",
        "labo-paris",
        "L'équipe du site de Paris",
        Lang::Fr,
        Kind::Public,
        &["commande de réactifs", "salle blanche", "réunion d'équipe"],
        &["panne du congélateur"],
    ),
    spec(
        "grant-writing",
        "grant-writing",
        "Proposals in progress",
        Lang::En,
        Kind::PrivateMember,
        &["erc proposal", "budget justification", "letters of support"],
        &["submission deadline"],
    ),
    spec(
        "pi-leads",
        "pi-leads",
        "Group leaders only",
        Lang::En,
        Kind::PrivateOther,
        &["budget review", "hiring plan"],
        &[],
    ),
    spec(
        "retreat-2023",
        "retreat-2023",
        "Lab retreat logistics",
        Lang::En,
        Kind::Archived,
        &["bus schedule", "poster session"],
        &[],
    ),
];

const MATTERMOST: &[ChannelSpec] = &[
    spec(
        "town-square",
        "Town Square",
        "Everyone at Halden Research",
        Lang::En,
        Kind::Everyone,
        &["coffee machine", "parking permits", "seminar series"],
        &["network maintenance"],
    ),
    spec(
        "off-topic",
        "Off-Topic",
        "Anything goes",
        Lang::En,
        Kind::Public,
        &["running club", "board games", "lunch spots"],
        &["ski trip"],
    ),
    spec(
        "cryo-em",
        "Cryo-EM",
        "Cryo-electron microscopy facility",
        Lang::En,
        Kind::Public,
        &["grid preparation", "ice thickness", "krios session"],
        &["autoloader jam"],
    ),
    spec(
        "proteomics",
        "Proteomics",
        "Mass spectrometry platform",
        Lang::En,
        Kind::Public,
        &["mass spec calibration", "sample digestion", "peptide identification"],
        &["orbitrap downtime"],
    ),
    spec(
        "bioinformatics",
        "Bioinformatics",
        "Pipelines and analysis",
        Lang::En,
        Kind::Public,
        &["nextflow pipeline", "variant calling", "docker images"],
        &["reference genome update"],
    ),
    spec(
        "seminaire",
        "Séminaire",
        "Organisation des séminaires",
        Lang::Fr,
        Kind::Public,
        &["séminaire interne", "présentation des résultats", "salle de conférence"],
        &["intervenant invité"],
    ),
    spec(
        "equipment-booking",
        "Equipment Booking",
        "Shared instruments",
        Lang::En,
        Kind::PrivateMember,
        &["centrifuge booking", "fume hood", "plate reader"],
        &["freezer alarm"],
    ),
    spec(
        "hiring-committee",
        "Hiring Committee",
        "Recruitment",
        Lang::En,
        Kind::PrivateOther,
        &["candidate shortlist", "interview panel"],
        &[],
    ),
];

/// The channels generated for `provider`.
pub(crate) fn channels(provider: Provider) -> &'static [ChannelSpec] {
    match provider {
        Provider::Slack => SLACK,
        Provider::Mattermost => MATTERMOST,
    }
}
