"""A fixed-seed synthetic corpus for the search benchmark (benchmarks.md, issue 6).

Realistic Chinese: sentences of the seed regulation (../shared/seed/) recombined with a
vocabulary of city topics, places, units and the phrases citizens write opinions with. Nothing
here is random characters; everything follows from ``--seed``.

- ``decisions(n)``: titles like 红山区老旧小区改造实施方案, summaries, and drafts of
  2,000-10,000 characters built from regulation sentences with the decision's topic woven in;
- ``opinions(n, decisions)``: 50-500 characters each, most short, a few long;
- ``queries(...)``: a few hundred 1-3 word queries drawn from the corpus: common words, rare
  words, multi-word combinations and words that occur nowhere (no hits) (issue 6);
- ``query_set(seed, ...)``: the query sets of issue 13, drawn with a seed so that the set the
  engine is tuned on and the set it is reported on differ: 2-3 words from an opinion, single
  words of the regulation, parts of titles, no-hit words and 12-25 characters pasted from an
  opinion (with the id of the opinion they came from).

Usage (prints a sample): .venv/bin/python bench/search_corpus.py [--seed 20261126]
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass
from pathlib import Path

SEED = 20261126
SEED_TEXT = Path(__file__).resolve().parents[2] / "shared" / "seed"

PLACES = [
    "赤峰市",
    "红山区",
    "松山区",
    "元宝山区",
    "宁城县",
    "林西县",
    "喀喇沁旗",
    "翁牛特旗",
    "敖汉旗",
    "巴林左旗",
    "巴林右旗",
    "阿鲁科尔沁旗",
    "克什克腾旗",
]
TOPICS = [
    "供热",
    "垃圾分类",
    "停车",
    "公交线路",
    "老旧小区改造",
    "学校布局",
    "医院建设",
    "供水",
    "排水管网",
    "城市公园",
    "道路拓宽",
    "养老服务",
    "托育机构",
    "物业管理",
    "电动自行车",
    "充电桩",
    "农贸市场",
    "噪声治理",
    "燃气管道",
    "集中供暖",
    "棚户区改造",
    "河道治理",
    "绿化",
    "路灯照明",
    "共享单车",
    "出租车",
    "网约车",
    "学区划分",
    "幼儿园",
    "社区卫生",
    "食品安全",
    "油烟污染",
    "餐厨垃圾",
    "再生资源回收",
    "防汛",
    "地下管廊",
    "公共厕所",
    "体育场馆",
    "图书馆",
    "文化广场",
    "旅游景区",
    "草原保护",
    "水资源",
    "矿山修复",
    "乡村振兴",
    "农村公路",
    "饮水安全",
    "冬季清雪",
    "交通信号灯",
    "无障碍设施",
]
RARE = [
    "蒙医药",
    "沙棘",
    "荞麦",
    "骆驼",
    "红山文化",
    "辽上京",
    "冰雪运动",
    "马术",
    "白音敖包",
    "达里诺尔",
    "阿斯哈图",
    "石林",
    "温泉",
    "赛罕坝",
    "杏仁",
    "小米",
    "牛肉干",
    "奶茶",
    "蒙古包",
    "那达慕",
]
NO_HIT = [
    "量子通信",
    "航天发射",
    "深海养殖",
    "珊瑚礁",
    "冰川监测",
    "核聚变",
    "潮汐能",
    "火山",
    "热带雨林",
    "海岛开发",
    "高铁站房",
    "磁悬浮",
    "区块链",
    "元宇宙",
    "卫星互联网",
    "blockchain",
    "metaverse",
    "hyperloop",
    "tsunami",
    "volcano",
]
# More words that occur nowhere in the corpus, so that query sets drawn with different seeds
# do not share their whole no-hit class.
NO_HIT_MORE = [
    "引力波",
    "暗物质",
    "光刻机",
    "基因编辑",
    "脑机接口",
    "超导体",
    "极光观测",
    "企鹅",
    "椰子树",
    "帆船赛",
    "冲浪",
    "潜水艇",
    "空间站",
    "小行星",
    "quantum",
    "spaceport",
    "coral",
    "glacier",
    "submarine",
    "neutrino",
]
TUNE_SEED = 20261127  # the query set the engine was tuned on (bench/search.py --tune-seed)
# Query classes of bench/search.py (issue 13) and their share of a set.
QUERY_CLASSES = (
    ("words", 0.27),  # 2-3 words taken from one opinion
    ("regulation", 0.23),  # a single word of the seed regulation
    ("title", 0.14),  # part of a decision title
    ("no-hit", 0.09),  # words that occur nowhere
    ("pasted", 0.27),  # 12-25 characters pasted from one opinion
)
KINDS = ["实施方案", "专项规划", "管理办法", "改革方案", "建设规划", "工作方案", "实施意见"]
UNITS = [
    "住建局",
    "城管局",
    "交通运输局",
    "教育局",
    "卫健委",
    "发改委",
    "自然资源局",
    "生态环境局",
    "水利局",
    "民政局",
    "市场监管局",
    "农牧局",
    "文旅局",
]
OPENERS = [
    "建议",
    "我认为",
    "希望",
    "请考虑",
    "能否",
    "强烈建议",
    "作为居民，我建议",
    "我是附近的居民，",
    "关于",
    "对于",
    "个人意见：",
    "补充一点，",
]
ASKS = [
    "适当增加",
    "尽快落实",
    "充分听取群众意见",
    "公开具体时间表",
    "加强监督检查",
    "考虑老年人的需求",
    "明确责任单位",
    "加大资金投入",
    "做好宣传解释",
    "分阶段实施",
    "保障困难群众",
    "优化审批流程",
    "设置过渡期",
    "公布收费标准",
    "开展风险评估",
    "组织听证会",
    "征求专家意见",
    "加强部门协调",
    "避免重复建设",
    "注重长效管理",
]
REASONS = [
    "因为目前",
    "现在的问题是",
    "据我了解，",
    "实际情况是",
    "去年冬天",
    "周边群众反映",
    "从长远看，",
    "考虑到",
    "经过调查，",
    "比较其他城市，",
]


def seed_sentences() -> list[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEED_TEXT.glob("*.txt")))
    out = []
    for raw in re.split(r"[。；！？\n]", text):
        s = re.sub(r"^[\s　]*(第[一二三四五六七八九十百零]+[条章节])\s*", "", raw).strip(" 　")
        s = re.sub(r"^[（(][一二三四五六七八九十]+[）)]", "", s)
        if 8 <= len(s) <= 120 and not re.search(r"[0-9]{4}年|\s{3,}", s):
            out.append(s)
    return out


@dataclass
class Decision:
    title: str
    place: str
    topic: str
    unit: str
    summary: str
    draft: str


class Corpus:
    def __init__(self, seed: int = SEED) -> None:
        self.rng = random.Random(seed)
        self.sentences = seed_sentences()
        # Zipf-like topic popularity: a few topics draw most opinions.
        self.topic_weights = [1.0 / (i + 1) ** 0.9 for i in range(len(TOPICS))]

    def _topic(self) -> str:
        return self.rng.choices(TOPICS, self.topic_weights)[0]

    def _regulation(self, topic: str) -> str:
        s = self.rng.choice(self.sentences)
        if self.rng.random() < 0.35:
            s = s.replace("重大行政决策", f"{topic}工作", 1)
        return s

    def decisions(self, n: int) -> list[Decision]:
        out = []
        seen = set()
        while len(out) < n:
            place, topic = self.rng.choice(PLACES), self.rng.choice(TOPICS)
            kind = self.rng.choice(KINDS)
            title = f"{place}{topic}{kind}"
            if title in seen:
                title = f"{place}{self.rng.randint(2025, 2030)}年{topic}{kind}"
            if title in seen:
                continue
            seen.add(title)
            unit = self.rng.choice(UNITS)
            summary = (
                f"为推进{place}{topic}工作，{place}{unit}起草了《{title}》。"
                f"{self._regulation(topic)}。{self._regulation(topic)}。"
            )
            target = self.rng.randint(2000, 10000)
            parts = [f"{title}（征求意见稿）\n第一章 总则\n"]
            length = len(parts[0])
            article = 1
            while length < target:
                if self.rng.random() < 0.1:
                    para = f"第{article}条 {place}{topic}工作由{unit}负责组织实施。"
                else:
                    para = f"第{article}条 {self._regulation(topic)}。{self._regulation(topic)}。"
                if self.rng.random() < 0.05:
                    para += f"鼓励发展{self.rng.choice(RARE)}等特色产业。"
                parts.append(para + "\n")
                length += len(para) + 1
                article += 1
            out.append(Decision(title, place, topic, unit, summary, "".join(parts)[:target]))
        return out

    def opinion(self, decision: Decision) -> str:
        target = int(min(500, max(50, self.rng.lognormvariate(4.9, 0.6))))
        topic = decision.topic if self.rng.random() < 0.7 else self._topic()
        place = decision.place if self.rng.random() < 0.6 else self.rng.choice(PLACES)
        parts = [
            f"{self.rng.choice(OPENERS)}{place}{topic}方面{self.rng.choice(ASKS)}。",
        ]
        length = len(parts[0])
        while length < target:
            r = self.rng.random()
            if r < 0.35:
                piece = f"{self.rng.choice(REASONS)}{self._regulation(topic)}。"
            elif r < 0.7:
                piece = f"{self.rng.choice(ASKS)}，{topic}问题关系到大家的切身利益。"
            elif r < 0.72:
                piece = f"另外{self.rng.choice(RARE)}也值得关注。"
            else:
                piece = f"{self.rng.choice(OPENERS)}{self._topic()}{self.rng.choice(ASKS)}。"
            parts.append(piece)
            length += len(piece)
        text = "".join(parts)
        return text[:target] if len(text) > target + 20 else text

    def opinions(self, n: int, decisions: list[Decision]) -> list[tuple[int, str]]:
        """(decision index, body): popular decisions draw many opinions."""
        weights = [1.0 / (i + 1) ** 0.7 for i in range(len(decisions))]
        idx = self.rng.choices(range(len(decisions)), weights, k=n)
        return [(i, self.opinion(decisions[i])) for i in idx]

    def queries(self, decisions: list[Decision], opinions: list[tuple[int, str]], n: int = 300):
        """(category, query) pairs: common words, rare words, combinations, no-hit words."""
        import jieba

        rng = random.Random(SEED + 1)
        common = TOPICS + [a[:4] for a in ASKS] + ["建议", "居民", "群众", "政府", "管理"]
        out = [("common", w) for w in rng.sample(common, min(len(common), n // 3))]
        out += [("rare", w) for w in RARE]
        out += [("no-hit", w) for w in NO_HIT]
        out += [("title", d.title[len(d.place) :]) for d in rng.sample(decisions, 20)]
        while len(out) < n:
            _, body = rng.choice(opinions)
            words = [w for w in jieba.cut(body, HMM=False) if len(w) >= 2 and w.isalnum()]
            if len(words) < 3:
                continue
            k = rng.choice((2, 2, 3))
            out.append((f"{k} words", " ".join(rng.sample(words, k))))
        return out[:n]


def query_set(
    seed: int,
    decisions: list[Decision],
    opinions: list[tuple[int, str]],
    n: int = 220,
    exclude: frozenset[str] = frozenset(),
) -> list[tuple[str, str, int]]:
    """A query set drawn with ``seed`` (issue 13): (class, query, source opinion id or 0).

    ``opinions`` are (id, published body) pairs as stored in the benchmark database, so that a
    pasted sentence knows the opinion it came from. Queries in ``exclude`` (the other set, the
    warm-up words) and duplicates are never drawn: each query is answered once per server.
    """
    import jieba

    rng = random.Random(seed)
    seen = set(exclude)
    out: list[tuple[str, str, int]] = []

    def add(cls: str, q: str, source: int = 0) -> bool:
        key = " ".join(q.split())
        if not key or key in seen:
            return False
        seen.add(key)
        out.append((cls, q, source))
        return True

    def words_of(text: str) -> list[str]:
        return [w for w in jieba.cut(text, HMM=False) if len(w) >= 2 and w.isalnum()]

    sentences = seed_sentences()
    targets = {cls: round(share * n) for cls, share in QUERY_CLASSES}
    targets["pasted"] = n - sum(v for k, v in targets.items() if k != "pasted")
    for cls, _share in QUERY_CLASSES:
        want = len(out) + targets[cls]
        tries = 0
        while len(out) < want and tries < 100 * n:
            tries += 1
            if cls == "words":
                _, body = rng.choice(opinions)
                words = words_of(body)
                if len(words) >= 3:
                    add(cls, " ".join(rng.sample(words, rng.choice((2, 2, 3)))))
            elif cls == "regulation":
                words = words_of(rng.choice(sentences))
                if words:
                    add(cls, rng.choice(words))
            elif cls == "title":
                title = rng.choice(decisions).title
                words = words_of(title)
                if words:
                    k = rng.randint(1, min(3, len(words)))
                    start = rng.randint(0, len(words) - k)
                    add(cls, "".join(words[start : start + k]))
            elif cls == "no-hit":
                pool = NO_HIT + NO_HIT_MORE
                k = 1 if rng.random() < 0.6 else 2
                add(cls, " ".join(rng.sample(pool, k)))
            else:  # pasted: any 12-25 characters of one opinion, from any position
                oid, body = rng.choice(opinions)
                size = rng.randint(12, 25)
                if len(body) > size:
                    start = rng.randint(0, len(body) - size)
                    add(cls, body[start : start + size], oid)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args()
    c = Corpus(args.seed)
    ds = c.decisions(5)
    for d in ds:
        print(d.title, len(d.draft), d.draft[:120].replace("\n", " "))
    for _, body in c.opinions(5, ds):
        print(len(body), body)


if __name__ == "__main__":
    main()
