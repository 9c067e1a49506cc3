import type {Seed} from '../types.js'

/**
 * Demo data, one seed per flow. Each flow issue adds its own seed file here and lists it below.
 */
export const SEEDS: Seed[] = []
