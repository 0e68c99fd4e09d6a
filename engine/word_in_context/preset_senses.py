"""The hand-made part of the presets: which senses each preset word shows, named in plain words.

A sense groups SemCor brown1 sentences by WordNet sense key (the key only groups; the readable gloss is ours, written
from the SemCor sentences themselves, no WordNet file is read) and EWT sentences that we labelled by hand, one by one
(EWT has no sense annotation). ``engine.word_in_context.presets`` turns this into ``engine/data/presets.json``.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sense:
    """One sense of a preset word: its gloss, the SemCor keys that mark it, hand-labelled EWT sentences."""

    gloss: str
    semcor_keys: tuple[str, ...] = ()
    ewt: tuple[str, ...] = ()  # "train <sent_id>" or "dev <sent_id>"
    semcor_limit: int = 10  # at most this many SemCor sentences, spread over documents


PRESET_SENSES: dict[str, tuple[Sense, ...]] = {
    "bank": (
        Sense("financial institution", ("bank%1:14:00::",), (
            "train weblog-blogspot.com_healingiraq_20040409053012_ENG_20040409_053012-0012",
            "train email-enronsent00_01-0004",
            "train email-enronsent16_01-0040",
            "train answers-20111108102445AA5mfrq_ans-0036",
            "dev email-enronsent29_01-0068",
        )),
        Sense("sloping land by water", ("bank%1:17:01::",), (
            "train newsgroup-groups.google.com_alt.animals_02c2d614bfbf6b20_ENG_20050223_232900-0023",
            "train newsgroup-groups.google.com_alt.animals_02c2d614bfbf6b20_ENG_20050223_232900-0024",
            "train newsgroup-groups.google.com_alt.animals_02c2d614bfbf6b20_ENG_20050223_232900-0036",
        ), semcor_limit=12),
    ),
    "cell": (
        Sense("living cell (biology)", ("cell%1:03:00::",)),
        Sense("small compartment or vessel", ("cell%1:06:03::",)),
        Sense("mobile phone", ewt=(
            "train answers-20111108103333AA3eSCk_ans-0010",
            "train answers-20111108103333AA3eSCk_ans-0011",
            "train answers-20111108065616AAKtL2c_ans-0054",
            "dev email-enronsent23_14-0013",
        )),
        Sense("small group of militants", ewt=(
            "train weblog-juancole.com_juancole_20051126063000_ENG_20051126_063000-0003",
            "train weblog-juancole.com_juancole_20051126063000_ENG_20051126_063000-0008",
            "train weblog-juancole.com_juancole_20051126063000_ENG_20051126_063000-0009",
            "train weblog-blogspot.com_healingiraq_20050121235804_ENG_20050121_235804-0037",
            "dev weblog-juancole.com_juancole_20041120060600_ENG_20041120_060600-0007",
        )),
    ),
    "fire": (
        Sense("burning, flames", ("fire%1:11:00::",)),
        Sense("shoot a weapon (verb)", ("fire%2:33:01::",)),
        Sense("gunfire", ("fire%1:04:00::",), (
            "dev weblog-juancole.com_juancole_20040114085100_ENG_20040114_085100-0002",
        )),
        Sense("dismiss from a job (verb)", ("fire%2:41:00::",), (
            "train weblog-blogspot.com_rigorousintuition_20060511134300_ENG_20060511_134300-0162",
            "train newsgroup-groups.google.com_alt.animals_0084bdc731bfc8d8_ENG_20040905_212000-0062",
            "train answers-20111108061322AAQXY59_ans-0006",
            "dev reviews-014483-0002",
        )),
    ),
    "interest": (
        Sense("curiosity, attention", ("interest%1:09:00::",), (
            "train weblog-typepad.com_ripples_20040407125600_ENG_20040407_125600-0001",
            "train weblog-juancole.com_juancole_20040823064025_ENG_20040823_064025-0071",
            "train answers-20111108073322AA27tkh_ans-0006",
            "train answers-20111108082831AAco5PI_ans-0016",
        ), semcor_limit=8),
        Sense("money paid on a loan", ("interest%1:21:00::",), (
            "train newsgroup-groups.google.com_misc.consumers_a534e32067078b08_ENG_20060116_030800-0087",
            "train newsgroup-groups.google.com_misc.consumers_a534e32067078b08_ENG_20060116_030800-0094",
            "train answers-20111107211742AAHZaPe_ans-0040",
            "train answers-20111107211742AAHZaPe_ans-0043",
            "train email-enronsent38_01-0087",
        )),
        Sense("advantage, benefit", ("interest%1:07:01::",), (
            "train weblog-juancole.com_juancole_20040604210986_ENG_20040604_210986-0039",
            "train email-enronsent24_01-0033",
            "train email-enronsent07_01-0086",
            "train newsgroup-groups.google.com_IdeaStockExchange_c6ea783ac3f043ba_ENG_20041120_243700-0027",
            "train reviews-207629-0005",
        ), semcor_limit=6),
    ),
    "light": (
        Sense("illumination", ("light%1:19:00::",)),
        Sense("lamp, source of light", ("light%1:06:00::",)),
        Sense("not heavy", ("light%3:00:01::",)),
        Sense("set alight (verb)", ("light%2:34:00::",)),
    ),
    "paper": (
        Sense("the material", ("paper%1:27:00::",), (
            "train newsgroup-groups.google.com_alt.animals.bears_1125853b1f13cff6_ENG_20040126_171100-0037",
            "train reviews-034501-0006",
            "train email-enronsent27_01-0018",
        )),
        Sense("scholarly article", ("paper%1:10:01::",), (
            "train email-enronsent22_01-0034",
            "train email-enronsent44_01-0062",
        )),
        Sense("newspaper", ("paper%1:10:03::",), (
            "train weblog-blogspot.com_dakbangla_20050311135387_ENG_20050311_135387-0025",
        )),
    ),
    "party": (
        Sense("political organisation", ("party%1:14:01::",), (
            "train weblog-blogspot.com_healingiraq_20050121235804_ENG_20050121_235804-0023",
            "dev weblog-juancole.com_juancole_20040404101100_ENG_20040404_101100-0023",
            "train newsgroup-groups.google.com_misc.consumers_a534e32067078b08_ENG_20060116_030800-0013",
        ), semcor_limit=8),
        Sense("social gathering", ("party%1:14:00::",), (
            "train answers-20111106215236AAycANO_ans-0003",
            "train reviews-059416-0002",
            "train reviews-363873-0004",
            "dev reviews-309168-0002",
            "train answers-20111108082831AAco5PI_ans-0014",
        )),
        Sense("side in a contract or dispute", ewt=(
            "train email-enronsent13_01-0094",
            "train email-enronsent06_01-0065",
            "train email-enronsent33_01-0109",
            "train weblog-blogspot.com_dakbangla_20050311135387_ENG_20050311_135387-0231",
            "train email-enronsent06_01-0063",
        )),
        Sense("celebrate (verb)", ewt=(
            "dev email-enronsent23_08-0002",
            "dev answers-20111105145356AAtOJyP_ans-0004",
            "dev answers-20111105145356AAtOJyP_ans-0005",
            "train answers-20111107094641AATmyb6_ans-0017",
        )),
    ),
    "plant": (
        Sense("living organism", ("plant%1:03:00::",), semcor_limit=12),
        Sense("factory, industrial plant", ("plant%1:06:01::",), semcor_limit=12),
        Sense("put in the ground (verb)", ("plant%2:35:00::",), ("train email-enronsent11_01-0026",)),
    ),
    "play": (
        Sense("take part in a game (verb)", ("play%2:33:00::",)),
        Sense("drama for the stage", ("play%1:10:01::",)),
        Sense("have a role (verb)", ("play%2:41:12::",)),
        Sense("act a part (verb)", ("play%2:36:02::",)),
    ),
    "record": (
        Sense("disc with recorded sound", ("record%1:06:00::",)),
        Sense("written account", ("record%1:10:03::",)),
        Sense("wins and losses", ("record%1:23:00::",)),
        Sense("register in writing (verb)", ("record%2:32:00::",)),
    ),
    "spring": (
        Sense("season", ("spring%1:28:00::",), (
            "train email-enronsent31_01-0010",
            "train answers-20111107175720AAlb2TB_ans-0003",
        )),
        Sense("natural source of water", ("spring%1:17:00::",), ("train reviews-263630-0003",)),
        Sense("coil, elastic device", ewt=(
            "train answers-20111108102133AAwVd7m_ans-0015",
            "train reviews-221664-0005",
            "train reviews-011257-0001",
            "train reviews-011257-0005",
        )),
        Sense("leap (verb)", ("spring%2:38:01::",), (
            "train newsgroup-groups.google.com_humanities.lit.authors.shakespeare_0018a7697318f71f_ENG_20031006_"
            "163200-0102",
        )),
    ),
    "state": (
        Sense("condition", ("state%1:03:00::",)),
        Sense("political unit, nation", ("state%1:15:01::",)),
        Sense("declare (verb)", ("state%2:32:00::",)),
    ),
    "table": (
        Sense("piece of furniture", ("table%1:06:01::",), (
            "train answers-20111108094504AAKrc8F_ans-0018",
            "train reviews-036133-0010",
            "dev reviews-077034-0001",
        ), semcor_limit=12),
        Sense("rows and columns of data", ("table%1:14:00::",), semcor_limit=14),
    ),
}

# SemCor sentences left out by hand: the sense tag looks wrong in context, or the sentence reads badly out of it.
EXCLUDED_SEMCOR = frozenset({
    "SemCor br-k28 s12", "SemCor br-k28 s24", "SemCor br-k17 s88",  # paper%1:27:00 where "the paper" is a newspaper
    "SemCor br-k13 s73",  # paper%1:27:00 for "the papers on the desk" (documents)
    "SemCor br-k19 s107", "SemCor br-k19 s109",  # party%1:14:01 (political) for a visiting group
    "SemCor br-h01 s74",  # interest%1:09:00 (curiosity) for a legal stake in a property
})
