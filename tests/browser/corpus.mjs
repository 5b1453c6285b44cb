// Writes the small corpus the browser tests search: JSON Lines articles dated over six
// months (none in April), with countries, people (one name inside another) and
// organisations the index recognises, an article id with slashes, multi-byte text
// (highlights are byte ranges), an undated article, and an article whose title and body
// are HTML that must stay text.
//
//   node corpus.mjs OUT.jsonl

import { writeFileSync } from 'node:fs';

const articles = [
  {
    id: 'grain-01',
    date: '2023-01-12',
    title: 'Black Sea grain corridor reopens after talks',
    author: 'Maria Keller',
    url: 'https://example.org/news/grain-01',
    paragraphs: [
      'ISTANBUL - Russia and Ukraine agreed to let grain ships leave Odesa again, Turkey said on Thursday after talks brokered by the United Nations.',
      'Vladimir Putin spoke with Recep Tayyip Erdogan by telephone before the announcement, according to the Kremlin.',
      'Traders said wheat prices fell on the news. The corridor had been closed for three weeks.',
      'Inspectors from the United Nations will check every ship in Turkish waters.',
    ],
  },
  {
    id: 'grain-02',
    date: '2023-02-03',
    title: 'Egypt seeks wheat as grain prices climb',
    paragraphs: [
      'CAIRO - Egypt, the largest wheat importer, bought 240,000 tonnes of grain from Russia and France this week.',
      'The World Bank warned that grain prices would stay high while the war in Ukraine goes on.',
      'Bakers in Cairo said the price of subsidised bread had not changed.',
    ],
  },
  {
    id: 'grain-03',
    date: '2023-02-20',
    title: 'Kyiv says grain exports fell in February',
    paragraphs: [
      'KYIV - Ukraine exported less grain in February than in January, the agriculture ministry said.',
      'Volodymyr Zelensky asked the European Union to keep its markets open to Ukrainian grain.',
      'Farmers in Poland protested against cheap grain imports from Ukraine.',
    ],
  },
  {
    id: 'arms-01',
    date: '2023-03-05',
    title: 'North Korea and Russia discuss weapons supply',
    paragraphs: [
      'SEOUL - North Korea may supply Russia with artillery shells, officials in South Korea said.',
      'Kim Jong Un met Vladimir Putin in Vladivostok, where the weapons supply was discussed.',
      'NATO said any weapons supply to Moscow would break United Nations sanctions.',
    ],
  },
  {
    id: 'arms-02',
    date: '2023-03-28',
    title: 'Shells for grain: a barter between Pyongyang and Moscow?',
    paragraphs: [
      'North Korea is short of food and Russia has grain to spare, analysts in China said.',
      'A barter of grain for artillery shells would be hard to trace, one analyst said.',
    ],
  },
  {
    id: 'wire/2023/ukr-07',
    date: '2023-05-09',
    title: 'Harvest outlook in Ukraine and Poland',
    paragraphs: [
      'WARSAW - The grain harvest in Ukraine will be smaller this year, while Poland expects a record crop.',
      'The European Union extended its duty-free regime for Ukrainian grain by a year.',
    ],
  },
  {
    id: 'unicode-01',
    date: '2023-06-01',
    title: 'Zürich traders: naïve bets on grain 🌾',
    paragraphs: [
      'ZÜRICH - Händler in Zürich 🌾🌾 bought grain futures on Monday, said Анна Иванова, a broker in Москва.',
      'Les négociants à Genève vendent le blé; the grain trade in Switzerland is quiet.',
    ],
  },
  {
    id: 'xss-1',
    date: '2023-06-15',
    title: '<img src=x onerror=alert(1)>',
    paragraphs: [
      '<script>alert(1)</script>',
      'A suspicious dispatch claimed that grain was smuggled <b>inside</b> crates & barrels <img src=x onerror=alert(2)>.',
      '<script>document.title = "pwned"</script><a href="javascript:alert(3)">click</a>',
    ],
  },
  // Two people of whom one name holds the other ("Blair" in "Tony Blair"): a click on
  // "Blair" must select that person only. Cherie Blair, as often named as Tony Blair, keeps
  // "Blair" named alone a person of its own (no full name dominates the surname).
  {
    id: 'budget-01',
    date: '2023-03-10',
    title: 'Budget debate in London',
    paragraphs: ['Prime Minister Tony Blair spoke in London about the budget.'],
  },
  {
    id: 'budget-02',
    date: '2023-03-11',
    title: 'A spokesman on the budget',
    paragraphs: ['Mr Blair said the budget was fair, a spokesman for Blair added.'],
  },
  // A person named only by the surname in one article ("Mr Putin"): the index's one full
  // name for it, Vladimir Putin, counts it in its facet row.
  {
    id: 'kremlin-01',
    date: '2023-02-20',
    title: 'Kremlin briefing',
    paragraphs: ['Mr Putin told reporters that the talks would go on.'],
  },
  {
    id: 'school-01',
    date: '2023-03-12',
    title: 'A school opens in Sedgefield',
    paragraphs: ['Cherie Blair opened a school in Sedgefield on Sunday.'],
  },
  {
    id: 'undated-01',
    title: 'Undated note on grain storage',
    paragraphs: ['Silos in India are full of grain, officials said, without a date.'],
  },
];

// Market reports to fill more than one page of "grain" passages (the page shows 20).
const countries = ['France', 'Germany', 'India', 'Egypt', 'Canada'];
const months = ['2023-01', '2023-02', '2023-03', '2023-05', '2023-06'];
for (let i = 0; i < 5; i++) {
  const country = countries[i];
  articles.push({
    id: `market-${i + 1}`,
    date: `${months[i]}-2${i}`,
    title: `Grain market report: ${country}`,
    paragraphs: [
      `PARIS - Grain prices in ${country} rose for a second week, traders said.`,
      `Exporters in ${country} sold more grain to buyers in Asia than a year ago.`,
      `The grain harvest in ${country} is expected to be average, a ministry report said.`,
      `Storage costs for grain in ${country} climbed with energy prices.`,
      // One long paragraph: its snippet is shorter than its text.
      `In a long review of the season, analysts in ${country} described how the weather, the cost of fertiliser, ` +
        'the price of diesel, the exchange rate, the queues at the ports and the insurance of ships ' +
        'changed what farmers planted, what they kept in their barns and what they sold. '.repeat(4) +
        'Only at the very end did they mention grain, and the outlook for the next harvest.',
    ],
  });
}

const out = process.argv[2];
if (!out) {
  console.error('usage: node corpus.mjs OUT.jsonl');
  process.exit(2);
}
const lines = articles.map(({ paragraphs, ...rest }) =>
  JSON.stringify({ ...rest, body: paragraphs.join('\n\n') }),
);
writeFileSync(out, lines.join('\n') + '\n');
