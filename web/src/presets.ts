import type { Lang } from './format.js';

/**
 * What a ressourcerie collects, with a typical weight and size, so a volunteer picks "Chaise ×4"
 * rather than measuring. Every figure stays editable in the form: the preset only fills it.
 * Sizes are an item as carried (a wardrobe dismantled, a sofa as is), in cm; weights in kg.
 */
export interface ItemPreset {
  id: string;
  fr: string;
  en: string;
  weightKg: number;
  lengthCm: number;
  widthCm: number;
  heightCm: number;
}

export const ITEM_PRESETS: readonly ItemPreset[] = [
  { id: 'sofa', fr: 'Canapé 2 places', en: 'Two-seat sofa', weightKg: 40, lengthCm: 160, widthCm: 85, heightCm: 80 },
  { id: 'armchair', fr: 'Fauteuil', en: 'Armchair', weightKg: 20, lengthCm: 80, widthCm: 75, heightCm: 90 },
  { id: 'chair', fr: 'Chaise', en: 'Chair', weightKg: 5, lengthCm: 45, widthCm: 50, heightCm: 90 },
  { id: 'table', fr: 'Table', en: 'Table', weightKg: 25, lengthCm: 120, widthCm: 80, heightCm: 75 },
  { id: 'wardrobe', fr: 'Armoire démontée', en: 'Wardrobe (dismantled)', weightKg: 45, lengthCm: 180, widthCm: 60, heightCm: 20 },
  { id: 'chest', fr: 'Commode', en: 'Chest of drawers', weightKg: 30, lengthCm: 80, widthCm: 45, heightCm: 85 },
  { id: 'books', fr: 'Carton de livres', en: 'Box of books', weightKg: 15, lengthCm: 40, widthCm: 30, heightCm: 30 },
  { id: 'dishes', fr: 'Carton de vaisselle', en: 'Box of dishes', weightKg: 10, lengthCm: 50, widthCm: 40, heightCm: 40 },
  { id: 'clothes', fr: 'Sac de vêtements', en: 'Bag of clothes', weightKg: 5, lengthCm: 60, widthCm: 40, heightCm: 40 },
  { id: 'lamp', fr: 'Lampe', en: 'Lamp', weightKg: 3, lengthCm: 30, widthCm: 30, heightCm: 60 },
  { id: 'bike', fr: 'Vélo', en: 'Bicycle', weightKg: 15, lengthCm: 170, widthCm: 20, heightCm: 100 },
];

/** One line of the form: an item (from a preset or typed), how many, and its figures. */
export interface ItemLine {
  presetId: string | null;
  description: string;
  quantity: number;
  weightKg: number;
  lengthCm: number | null;
  widthCm: number | null;
  heightCm: number | null;
}

/** What `POST /v1/quotes` and `POST /v1/deliveries` take. */
export interface Parcel {
  weightKg: number;
  lengthCm?: number;
  widthCm?: number;
  heightCm?: number;
  description?: string;
}

export function presetLabel(preset: ItemPreset, lang: Lang): string {
  return lang === 'en' ? preset.en : preset.fr;
}

/** A new form line from a preset, in the form's language. */
export function lineFromPreset(presetId: string, lang: Lang, quantity = 1): ItemLine {
  const preset = ITEM_PRESETS.find((candidate) => candidate.id === presetId);
  if (!preset) throw new Error(`Unknown preset ${presetId}`);
  return {
    presetId,
    description: presetLabel(preset, lang),
    quantity,
    weightKg: preset.weightKg,
    lengthCm: preset.lengthCm,
    widthCm: preset.widthCm,
    heightCm: preset.heightCm,
  };
}

const positive = (value: number | null): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;

/**
 * The parcels of the form: one parcel per unit (4 chairs are 4 parcels, as the courier carries
 * them), each with its description; the sizes only when all three are given (the API counts
 * volume only then). Lines with no quantity or no weight are left out.
 */
export function linesToParcels(lines: readonly ItemLine[]): Parcel[] {
  const parcels: Parcel[] = [];
  for (const line of lines) {
    const quantity = Math.floor(line.quantity);
    if (!(quantity > 0) || !positive(line.weightKg)) continue;
    const parcel: Parcel = { weightKg: line.weightKg };
    if (positive(line.lengthCm) && positive(line.widthCm) && positive(line.heightCm)) {
      parcel.lengthCm = line.lengthCm;
      parcel.widthCm = line.widthCm;
      parcel.heightCm = line.heightCm;
    }
    const description = line.description.trim();
    if (description !== '') parcel.description = description.slice(0, 200);
    for (let unit = 0; unit < quantity; unit += 1) parcels.push({ ...parcel });
  }
  return parcels;
}

export interface Load {
  weightKg: number;
  volumeLitres: number;
}

/** Total weight and volume of parcels, computed as the API does (grams and cm³, integers). */
export function loadOf(parcels: readonly Parcel[]): Load {
  let grams = 0;
  let cm3 = 0;
  for (const parcel of parcels) {
    grams += Math.round(parcel.weightKg * 1000);
    if (parcel.lengthCm && parcel.widthCm && parcel.heightCm) cm3 += Math.round(parcel.lengthCm * parcel.widthCm * parcel.heightCm);
  }
  return { weightKg: grams / 1000, volumeLitres: cm3 / 1000 };
}

export interface Capacity {
  maxWeightKg: number;
  maxVolumeLiters: number;
}

/** The hub's default cargo-bike load, used until `GET /v1/hub/capacity` answers. */
export const DEFAULT_CAPACITY: Capacity = { maxWeightKg: 150, maxVolumeLiters: 600 };

export interface Fit {
  fits: boolean;
  tooHeavy: boolean;
  tooBulky: boolean;
  load: Load;
}

/** Whether parcels fit one cargo bike: the API's own rule, so the form can say it at once. */
export function fitsCargoBike(parcels: readonly Parcel[], capacity: Capacity = DEFAULT_CAPACITY): Fit {
  const load = loadOf(parcels);
  const tooHeavy = Math.round(load.weightKg * 1000) > Math.round(capacity.maxWeightKg * 1000);
  const tooBulky = Math.round(load.volumeLitres * 1000) > Math.round(capacity.maxVolumeLiters * 1000);
  return { fits: !tooHeavy && !tooBulky && parcels.length > 0, tooHeavy, tooBulky, load };
}

/** The donor's floor and access, as the courier reads it (in French: the couriers' language). */
export interface Access {
  /** '' unknown, '0' ground floor, '1'… */
  floor: string;
  lift: 'yes' | 'no' | '';
  notes: string;
}

/** Floor, lift and notes as one line of instructions (the API keeps up to 500 characters). */
export function accessInstructions(access: Access): string | undefined {
  const parts: string[] = [];
  const floor = access.floor.trim();
  if (floor === '0') parts.push('Rez-de-chaussée');
  else if (/^\d+$/.test(floor)) parts.push(`${floor === '1' ? '1er' : `${floor}e`} étage`);
  if (access.lift === 'yes') parts.push('avec ascenseur');
  if (access.lift === 'no' && floor !== '0') parts.push('sans ascenseur');
  const notes = access.notes.trim().replace(/\s+/g, ' ');
  const head = parts.join(', ');
  const text = [head, notes].filter((part) => part !== '').join('. ');
  return text === '' ? undefined : text.slice(0, 500);
}
