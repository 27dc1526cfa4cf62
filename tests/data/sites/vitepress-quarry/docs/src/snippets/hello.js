import { Quarry } from 'quarry'

const quarry = new Quarry({ catalogue: 'rocks' })
quarry.add({ name: 'Basalt', kind: 'igneous' })
