/* graphkit story: steps through a story over the map (filled in below). */
