import { readFile } from "node:fs/promises";
import { packetizeAccessUnit } from "../rtsp/rtp.ts";
import type { PictureKind, VideoEncoding } from "../scenario.ts";
import { parseElementaryStream, type ParameterSets } from "./annexb.ts";
import { ensureClipFile, ensureSnapshotFile, type GenerateOptions } from "./generate.ts";
import { splitJpegs } from "./jpeg.ts";
import { FPS, HEIGHT, WIDTH } from "./scenes.ts";

/** A looped clip in memory, cut into RTP payloads once for every client. */
export interface Clip {
  readonly kind: PictureKind;
  readonly encoding: VideoEncoding;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly parameterSets: ParameterSets;
  /** Per picture: its RTP payloads (the last one gets the marker bit) and whether it is a keyframe. */
  readonly frames: readonly { readonly payloads: readonly Buffer[]; readonly keyframe: boolean }[];
}

/**
 * The simulator's video, made on first use (ffmpeg, cached on disk) and kept in memory. One per
 * simulator, shared by its devices. Callers that cannot wait use `ready()` and start the load.
 */
export class VideoLibrary {
  readonly #clips = new Map<string, Promise<Clip>>();
  readonly #ready = new Map<string, Clip>();
  readonly #snapshots = new Map<PictureKind, Promise<readonly Buffer[]>>();

  constructor(private readonly opts: GenerateOptions | (() => Promise<GenerateOptions>)) {}

  /** The clip of a picture kind in an encoding, generated on first use. */
  clip(kind: PictureKind, encoding: VideoEncoding): Promise<Clip> {
    const key = `${kind}/${encoding}`;
    let p = this.#clips.get(key);
    if (p === undefined) {
      p = this.#load(kind, encoding).then((c) => {
        this.#ready.set(key, c);
        return c;
      });
      // a failure (no ffmpeg, a full disk) is not remembered: the next request tries again
      p.catch(() => this.#clips.delete(key));
      this.#clips.set(key, p);
    }
    return p;
  }

  /** The clip if it is already in memory; otherwise starts loading it and returns null. */
  ready(kind: PictureKind, encoding: VideoEncoding): Clip | null {
    const c = this.#ready.get(`${kind}/${encoding}`);
    if (c) return c;
    this.clip(kind, encoding).catch(() => undefined);
    return null;
  }

  /** JPEG pictures of a picture kind (one for frozen, a few seconds' worth otherwise). */
  snapshots(kind: PictureKind): Promise<readonly Buffer[]> {
    let p = this.#snapshots.get(kind);
    if (p === undefined) {
      p = this.#options()
        .then((o) => ensureSnapshotFile(o, kind))
        .then((path) => readFile(path))
        .then((data) => {
          const jpegs = splitJpegs(data);
          if (jpegs.length === 0) throw new Error(`no JPEG pictures in the ${kind} snapshot file`);
          return jpegs;
        });
      p.catch(() => this.#snapshots.delete(kind));
      this.#snapshots.set(kind, p);
    }
    return p;
  }

  #options(): Promise<GenerateOptions> {
    return typeof this.opts === "function" ? this.opts() : Promise.resolve(this.opts);
  }

  async #load(kind: PictureKind, encoding: VideoEncoding): Promise<Clip> {
    const path = await ensureClipFile(await this.#options(), kind, encoding);
    const es = parseElementaryStream(await readFile(path), encoding);
    return {
      kind,
      encoding,
      width: WIDTH,
      height: HEIGHT,
      fps: FPS,
      parameterSets: es.parameterSets,
      frames: es.accessUnits.map((au) => ({
        payloads: packetizeAccessUnit(au, encoding),
        keyframe: au.keyframe,
      })),
    };
  }
}
