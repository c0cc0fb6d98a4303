// The Snowball English ("Porter2") stemmer, as the index's Rust side runs
// it (the rust-stemmers crate), for words of ASCII letters a-z. Written
// from the Snowball algorithm's description (snowballstem.org); tested
// against the Rust side on tests/fixtures/search-tokens.json and on every
// word of the sample site's index.

const VOWELS = "aeiouy";
const isVowel = (c) => VOWELS.includes(c);
const VALID_LI = "cdeghkmnrt";

const EXCEPTIONS = {
  skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie",
  idly: "idl", gently: "gentl", ugly: "ugli", early: "earli", only: "onli",
  singly: "singl", sky: "sky", news: "news", howe: "howe",
  atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes",
};
const EXCEPTIONS_AFTER_1A = new Set([
  "inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed",
]);

/** Where R1 or R2 starts: after the first non-vowel that follows a vowel, from `from`. */
function regionAfter(w, from) {
  for (let i = from + 1; i < w.length; i++) {
    if (!isVowel(w[i]) && isVowel(w[i - 1])) return i + 1;
  }
  return w.length;
}

/** Whether `w` ends, at `end`, in a short syllable. */
function shortSyllable(w, end) {
  if (end >= 3) {
    const a = w[end - 3], b = w[end - 2], c = w[end - 1];
    return !isVowel(a) && isVowel(b) && !isVowel(c) && !"wxY".includes(c);
  }
  return end === 2 && isVowel(w[0]) && !isVowel(w[1]);
}

/** The longest of `suffixes` that `w` ends with, or "". */
function longest(w, suffixes) {
  let best = "";
  for (const s of suffixes) if (s.length > best.length && w.endsWith(s)) best = s;
  return best;
}

const STEP2 = {
  tional: "tion", enci: "ence", anci: "ance", abli: "able", entli: "ent",
  izer: "ize", ization: "ize", ational: "ate", ation: "ate", ator: "ate",
  alism: "al", aliti: "al", alli: "al", fulness: "ful", ousli: "ous",
  ousness: "ous", iveness: "ive", iviti: "ive", biliti: "ble", bli: "ble",
  ogi: "og", fulli: "ful", lessli: "less", li: "",
};
const STEP3 = {
  tional: "tion", ational: "ate", alize: "al", icate: "ic", iciti: "ic",
  ical: "ic", ful: "", ness: "", ative: "",
};
const STEP4 = [
  "al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment",
  "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion",
];
const DOUBLES = ["bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt"];

/** The stem of a lowercase word of ASCII letters. */
export function stem(word) {
  if (Object.hasOwn(EXCEPTIONS, word)) return EXCEPTIONS[word];
  if (word.length < 3) return word;

  // Prelude: a y that starts the word or follows a vowel is a consonant (Y).
  let w = word;
  if (w[0] === "y") w = "Y" + w.slice(1);
  for (let i = 1; i < w.length; i++) {
    if (w[i] === "y" && isVowel(w[i - 1])) w = w.slice(0, i) + "Y" + w.slice(i + 1);
  }
  const prefix = ["gener", "commun", "arsen"].find((p) => w.startsWith(p));
  const r1 = prefix ? prefix.length : regionAfter(w, 0);
  const r2 = regionAfter(w, r1);
  const inR1 = (s) => w.length - s.length >= r1;
  const inR2 = (s) => w.length - s.length >= r2;
  const cut = (s, by = "") => { w = w.slice(0, w.length - s.length) + by; };

  // Step 1a.
  let s = longest(w, ["sses", "ied", "ies", "s", "us", "ss"]);
  if (s === "sses") cut(s, "ss");
  else if (s === "ied" || s === "ies") cut(s, w.length - s.length > 1 ? "i" : "ie");
  else if (s === "s") {
    // A vowel before the letter that precedes the s.
    const before = w.slice(0, w.length - 2);
    if ([...before].some(isVowel)) cut(s);
  }
  if (EXCEPTIONS_AFTER_1A.has(w)) return w;

  // Step 1b.
  s = longest(w, ["eed", "eedly", "ed", "edly", "ing", "ingly"]);
  if (s === "eed" || s === "eedly") {
    if (inR1(s)) cut(s, "ee");
  } else if (s && [...w.slice(0, w.length - s.length)].some(isVowel)) {
    cut(s);
    if (w.endsWith("at") || w.endsWith("bl") || w.endsWith("iz")) w += "e";
    else if (DOUBLES.some((d) => w.endsWith(d))) w = w.slice(0, -1);
    else if (w.length === r1 && shortSyllable(w, w.length)) w += "e";
  }

  // Step 1c.
  if (w.length > 2 && (w.endsWith("y") || w.endsWith("Y")) && !isVowel(w[w.length - 2])) {
    cut("y", "i");
  }

  // Step 2.
  s = longest(w, Object.keys(STEP2));
  if (s && inR1(s)) {
    if (s === "ogi") {
      if (w[w.length - 4] === "l") cut(s, "og");
    } else if (s === "li") {
      if (VALID_LI.includes(w[w.length - 3])) cut(s);
    } else cut(s, STEP2[s]);
  }

  // Step 3.
  s = longest(w, Object.keys(STEP3));
  if (s && inR1(s) && (s !== "ative" || inR2(s))) cut(s, STEP3[s]);

  // Step 4.
  s = longest(w, STEP4);
  if (s && inR2(s)) {
    if (s !== "ion") cut(s);
    else if ("st".includes(w[w.length - 4]) && w.length >= 4) cut(s);
  }

  // Step 5.
  if (w.endsWith("e")) {
    if (inR2("e") || (inR1("e") && !shortSyllable(w, w.length - 1))) cut("e");
  } else if (w.endsWith("l")) {
    if (inR2("l") && w[w.length - 2] === "l") cut("l");
  }

  return w.replace(/Y/g, "y");
}
