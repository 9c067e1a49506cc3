import type {TourStep} from './types.js'

/**
 * The scripted tour of `pipeops sandbox --demo`, in order. Each flow issue adds its own steps
 * (with the seed that creates their data in seeds/).
 */
export const TOUR: TourStep[] = [
  {
    argv: ['doctor'],
    explain: 'Who am I, which region, which endpoints: every AWS call below goes to the local emulators.',
    title: 'Check the set-up',
  },
]
