/**
 * Which dataset the graph holds, as the Graph cell recorded it (`(:AtelierLoad
 * {fingerprint, name})`), and the rule a cell that writes into the graph for
 * one dataset follows: refuse when the graph holds another one (or none), and
 * say which and what to do. Browser-safe (no driver).
 */

/** A dataset the Graph cell loaded, as its checkpoint node records it. */
export interface LoadedDataset {
  fingerprint: string;
  /** The Data cell's dataset name; null for loads recorded before names were. */
  name: string | null;
  /** True once the load's counts were checked. */
  complete: boolean | null;
}

/** The dataset a cell is about to write for. */
export interface DatasetIdentity {
  fingerprint: string;
  name: string;
}

const short = (fp: string) => fp.slice(0, 12);

function describe(d: LoadedDataset): string {
  return `${d.name ?? 'a dataset loaded before names were recorded'} (fingerprint ${short(d.fingerprint)}${d.complete === false ? ', load not finished' : ''})`;
}

/**
 * Null when the graph holds `mine`; else the refusal (error and hint) of writing `what` for it.
 * `untick` names the cell's switch that leaves Neo4j out.
 */
export function otherDatasetRefusal(loaded: readonly LoadedDataset[], mine: DatasetIdentity, what: string, untick: string): { error: string; hint: string } | null {
  if (loaded.some((d) => d.fingerprint === mine.fingerprint)) return null;
  const again = `then run this cell again; or untick “${untick}”.`;
  if (loaded.length === 0) {
    return {
      error: `Neo4j holds no dataset loaded by the Graph cell, so ${what} of ${mine.name} were not written (they would attach to products of no known dataset).`,
      hint: `Run the Graph cell to load ${mine.name} into Neo4j, ${again}`,
    };
  }
  return {
    error: `Neo4j holds ${loaded.map(describe).join(' and ')}, not this notebook's ${mine.name} (fingerprint ${short(mine.fingerprint)}): ${what} were not written.`,
    hint: `Re-run the Graph cell to load ${mine.name} into Neo4j (it replaces the other dataset), ${again}`,
  };
}
